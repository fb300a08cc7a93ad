"""migrator.escape: each function keeps its promise for every text (hypothesis), and reads as
expected on the texts the issue reproduced. Markdown is checked with GitHub's own parser
(cmarkgfm, GitHub's fork of cmark, with its table and tag-filter extensions)."""

from __future__ import annotations

import json
import re

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import given
from hypothesis import strategies as st

from migrator import escape

#: Text a hostile repository would write: control characters, separators, bidi controls,
#: lone surrogates, Markdown and HTML, shell and workflow-command syntax, and any character.
HOSTILE = ["\x1b]0;title\x07", "\x1b[2J", "\n::error::forged", "\r", "\t", "\x85", "\u2028",
           "\u202e", "\udcff", "\x9b", "\x7f", "\x00", "::", "##[add-mask]x", "`", "``", "|",
           "<script>", "<details>", "[a](http://x)", "*", "_", "&amp;", "\\", "~~", "@here",
           "$(touch x)", "'", '"', "# h", " ", "\ufeff", "\ufffe", "http://x", "www.a.b",
           "a@b.co", "<img src=x>"]
hostile = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=4)), max_size=8) \
    .map("".join)

#: What must never reach a terminal raw.
RAW = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
                 "\ud800-\udfff\ufffe\uffff]")


def containers(inner: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.lists(inner, max_size=3) | st.dictionaries(hostile, inner, max_size=3)


def gfm(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


@pytest.mark.parametrize(("text", "shown"), [
    ("app\x1b]0;pwn\x07", "app\\x1b]0;pwn\\x07"),
    ("a\nb\r\tc", "a\\nb\\r\\tc"),
    ("x\u2028y\x85z", "x\\u2028y\\x85z"),
    ("rtl\u202eevil", "rtl\\u202eevil"),
    ("caf\udce9", "caf\\udce9"),
    ("plain, ünïcødé, 名前, \\x1b", "plain, ünïcødé, 名前, \\x1b"),
])
def test_visible(text: str, shown: str) -> None:
    assert escape.visible(text) == shown


@given(hostile)
def test_visible_is_one_printable_line(text: str) -> None:
    shown = escape.visible(text)
    assert RAW.search(shown) is None
    assert escape.visible(shown) == shown
    shown.encode("utf-8")  # a lone surrogate would raise here
    if RAW.search(text) is None:
        assert shown == text


@pytest.mark.parametrize(("text", "shown"), [
    ("::error::forged", "\\x3a:error::forged"),
    ("  \u00a0::warning file=a::x", "  \u00a0\\x3a:warning file=a::x"),
    ("name\n::error::forged", "name\\n::error::forged"),
    ("x ##[error]forged", "x ##\\x5berror]forged"),
    ("a::b", "a::b"),
])
def test_terminal(text: str, shown: str) -> None:
    assert escape.terminal(text) == shown


@given(st.text(alphabet=" \u00a0\u3000:", max_size=4), hostile)
def test_terminal_starts_no_workflow_command(indent: str, text: str) -> None:
    """GitHub's runner trims leading white space, then takes `::` for a command; it takes the
    legacy `##[` anywhere in a line."""
    shown = escape.terminal(indent + text)
    assert "\n" not in shown and RAW.search(shown) is None
    assert not shown.lstrip().startswith("::")
    assert "##[" not in shown
    assert escape.terminal(shown) == shown


@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), hostile), containers,
                    max_leaves=8),
       st.sampled_from([None, 2]))
def test_dumps_is_the_same_json_in_printable_utf8(value: object, indent: int | None) -> None:
    text = escape.dumps(value, indent=indent)
    assert json.loads(text) == value
    assert RAW.search(text.replace("\n", "")) is None
    text.encode("utf-8")


@given(hostile)
def test_comment_is_one_yaml_line(text: str) -> None:
    from migrator.yamltext.nodes import Mapping
    from migrator.yamltext.parse import parse

    document = parse(f"key: 1  # {escape.comment(text)}\nnext: 2\n", "x.yaml")
    assert isinstance(document.root, Mapping)
    assert [key.value for key, _ in document.root.pairs] == ["key", "next"]


@given(hostile)
def test_md_text_shows_the_text_itself(text: str) -> None:
    """Rendered by GitHub's parser, the text is one paragraph holding exactly the text (its
    control characters shown as escapes): no tag, emphasis or code."""
    html = gfm("x " + escape.md_text(text) + " x")
    assert html.startswith("<p>") and html.endswith("</p>\n"), html
    inner = without_autolinks(html[len("<p>"):-len("</p>\n")])
    assert "<" not in inner, html
    if inner == html[len("<p>"):-len("</p>\n")]:
        assert html_text(inner) == "x " + escape.visible(text) + " x"


def without_autolinks(html: str) -> str:
    """GitHub links a bare URL (`http://x`, `www.x`) in text; such a link shows its own
    target, and is no injection: check that, and leave its text."""
    from urllib.parse import unquote

    for link in re.finditer(r'<a href="([^"]*)">([^<]*)</a>', html):
        assert unquote(html_text(link.group(1))).endswith(html_text(link.group(2))), html
    return re.sub(r'<a href="[^"]*">([^<]*)</a>', r"\1", html)


@given(hostile, st.booleans())
def test_md_code_is_one_code_span_of_the_text(text: str, table: bool) -> None:
    span = escape.md_code(text, table)
    if table:
        html = gfm(f"| a | b |\n|---|---|\n| {span} | z |\n")
        cells = re.findall(r"<td>(.*?)</td>", html, re.S)
        assert len(cells) == 2 and cells[1] == "z", html
        html = cells[0]
    else:
        html = gfm(span).strip().removeprefix("<p>").removesuffix("</p>")
    assert html.startswith("<code>") and html.endswith("</code>"), html
    code = html_text(html[len("<code>"):-len("</code>")])
    assert code == (escape.visible(text) or " ")


@pytest.mark.parametrize(("message", "html"), [
    ("application `name` must be a string", "application <code>name</code> must be a string"),
    ("key `a`b` removed", "key <code>a</code>b` removed"),
    ("<script>alert(1)</script> [x](y) *b* snake_case",
     "&lt;script&gt;alert(1)&lt;/script&gt; [x](y) *b* snake_case"),
    ("``x`y`` and `|`", "<code>x`y</code> and <code>|</code>"),
    # GitHub's autolinks run over backslash escapes and backticks: a URL right before a code
    # span took its opening backticks, and the span's text was read as HTML
    ("http://x`a b` and `<img src=x>`",
     "http://x<code>a b</code> and <code>&lt;img src=x&gt;</code>"),
    ("www.x.com`a b` `<img>`", "www.x.com<code>a b</code> <code>&lt;img&gt;</code>"),
    ("see https://docs.upsun.com/a.html", 'see <a href="https://docs.upsun.com/a.html">'
     "https://docs.upsun.com/a.html</a>"),
])
def test_md_message(message: str, html: str) -> None:
    assert gfm(escape.md_message(message)) == f"<p>{html}</p>\n"


@given(hostile, hostile)
def test_md_message_in_a_table_keeps_its_columns(first: str, second: str) -> None:
    row = f"| {escape.md_message(first, table=True)} | {escape.md_message(second, table=True)} |"
    html = gfm(f"| a | b |\n|---|---|\n{row}\n")
    body = without_autolinks(html.split("<tbody>")[1] if "<tbody>" in html else "")
    assert body.count("<td>") == 2, html
    assert not re.search(r"<(?!/?(td|tr|tbody|table|code)>)", body), html


@given(hostile)
def test_md_fence_cannot_be_closed_from_inside(text: str) -> None:
    html = gfm("\n".join(escape.md_fence(text, "sh")) + "\nafter\n")
    assert html.startswith('<pre lang="sh"><code>') and html.endswith("<p>after</p>\n"), html
    assert html.count("<pre") == 1


@pytest.mark.parametrize(("text", "cell"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("repo\nx", "repo\\nx"), ("fleet/repo", "fleet/repo"),
])
def test_csv_cell(text: str, cell: str) -> None:
    assert escape.csv_cell(text) == cell


def html_text(html: str) -> str:
    import html as entities

    return entities.unescape(html)


@given(hostile)
def test_md_text_in_a_list_item_stays_in_it(text: str) -> None:
    html = gfm(f"- create {escape.md_text(text)}\n- next\n")
    assert html.count("<li>") == 2 and "<h" not in html, html
