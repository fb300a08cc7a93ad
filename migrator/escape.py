"""Text from a repository, made safe for each place the tool shows it.

A repository is untrusted input: an app name, a key, a value, a comment or a folder name may
hold escape sequences that drive a terminal, line breaks that forge lines of a log, GitHub
workflow commands, Markdown or HTML. Every renderer passes what it took from a repository
through one of these functions:

- `visible`: control characters (C0, DEL, C1), Unicode line and paragraph separators, the
  bidirectional controls of "Trojan Source" (CVE-2021-42574), noncharacters and lone
  surrogates (an undecodable file name) become escapes such as `\\x1b`, `\\n`, `\\u202e`,
  `\\udcff`. The result is one line of printable text. A backslash is left as it is: the
  escapes are for reading, not a reversible encoding.
- `terminal`: `visible`, and what GitHub's runner would take for a workflow command: a text
  that starts (after white space) with `::`, and `##[` anywhere (the runner's legacy syntax).
- `comment`: the body of a YAML comment the tool writes (one line, only characters YAML allows).
- `dumps`: JSON whose text is valid UTF-8 and holds no character a terminal acts on.
- `md_text`, `md_code`, `md_message`, `md_fence`: Markdown in which text from a repository
  cannot open a link, an emphasis, an HTML tag, leave a code span or a table cell.
- `csv_cell`: a CSV cell that a spreadsheet does not run as a formula.
"""

from __future__ import annotations

import json
import re

#: Characters shown as escapes: C0 controls (tab and line feed included), DEL, C1 controls,
#: the Arabic letter mark, the bidirectional marks, embeddings, overrides and isolates, the
#: line and paragraph separators, lone surrogates, and the noncharacters U+FFFE and U+FFFF.
_BEYOND_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
_UNSAFE = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
#: What `json.dumps` leaves unescaped of those (it escapes the C0 controls itself).
_UNSAFE_IN_JSON = re.compile(f"[{_BEYOND_C0}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
#: A GitHub workflow command: `::` at the start of a line once white space is trimmed (the
#: runner's `TrimStart`), or the legacy `##[` anywhere in a line (actions/runner
#: src/Runner.Common/ActionCommand.cs, TryParseV2 and TryParse).
_WORKFLOW_START = re.compile(r"^(\s*):(?=:)")
_LEGACY_COMMAND = "##["
#: Characters that open Markdown inline syntax: emphasis, code, links, images, autolinks and
#: HTML (`<`; a `>` alone opens nothing inline), entities, strikethrough, table cells, and the
#: backslash itself.
_MARKDOWN = re.compile(r"[\\`*_\[\]<&|~]")
_BACKTICKS = re.compile(r"`+")
#: The last run of text GitHub's extended autolinks (`http://...`, `www....`) would read on: they
#: run to an ASCII white space or `<` (cmark-gfm extensions/autolink.c), backslash escapes and
#: backticks included.
_LAST_RUN = re.compile(r"[^ \t\n\r\f\v<]*$")
_WWW = re.compile(r"(?i)\b(www)\.")
#: A spreadsheet runs a cell that starts with one of these as a formula (OWASP, CSV injection).
#: (Tab and carriage return, also on OWASP's list, are escaped by `visible` before.)
_FORMULA_START = ("=", "+", "-", "@")


def _escape(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """One line of printable text: every character a terminal acts on shown as an escape."""
    return _UNSAFE.sub(lambda match: _escape(match.group()), text)


def terminal(text: str) -> str:
    """`visible`, and no GitHub workflow command: a leading `::` and any `##[` are escaped."""
    text = _WORKFLOW_START.sub(lambda match: match.group(1) + "\\x3a", visible(text))
    return text.replace(_LEGACY_COMMAND, "##\\x5b")


def comment(text: str) -> str:
    """The body of a YAML comment the tool writes: one line of characters YAML allows."""
    return visible(text)


def dumps(value: object, indent: int | None = None) -> str:
    """JSON as `json.dumps(ensure_ascii=False)` writes it, with every character that
    `visible` escapes written as a JSON escape (`\\u001b`, `\\udcff`): the same data, valid
    UTF-8, and nothing a terminal acts on."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def md_text(text: str) -> str:
    """Markdown that shows `text` as it is: no emphasis, link, HTML, entity, code span or
    table cell can start inside it (an `_` between two letters or digits opens nothing)."""
    return _MARKDOWN.sub(lambda match: _md_char(text, match), visible(text))


def _md_char(text: str, match: re.Match[str]) -> str:
    char, start = match.group(), match.start()
    if char == "_" and _inside_word(match.string, start):
        return char
    if char in "<&":  # an entity, which an autolink cannot take apart as it takes `\<`
        return "&lt;" if char == "<" else "&amp;"
    return "\\" + char


def _inside_word(text: str, index: int) -> bool:
    return 0 < index < len(text) - 1 and text[index - 1].isalnum() and text[index + 1].isalnum()


def md_code(text: str, table: bool = False) -> str:
    """`text` as a Markdown code span that no backtick in it can end: the fence is longer than
    its longest run of backticks. In a table cell (`table`) a `|` is escaped, as GitHub's
    table syntax requires even inside a code span."""
    content = visible(text)
    if table:
        content = content.replace("|", "\\|")
    longest = max((len(run) for run in _BACKTICKS.findall(content)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if content.startswith("`") or content.endswith("`") or \
        (content.startswith(" ") and content.endswith(" ") and content.strip(" ")) else ""
    if not content:
        content = " "  # an empty span is no span: one space shows as itself
    return f"{fence}{pad}{content}{pad}{fence}"


def md_message(text: str, table: bool = False) -> str:
    """A message as Markdown: its code spans (`like this`) stay code spans, made with
    `md_code`; everything else goes through `md_text`. A backtick without its closing one is
    shown as a backtick. Whatever a repository put in the message, the result is one line of
    text and code spans: no link, HTML, emphasis or table cell."""
    text = visible(text)
    parts: list[str] = []
    position = 0
    while position < len(text):
        opening = _BACKTICKS.search(text, position)
        if opening is None:
            parts.append(md_text(text[position:]))
            break
        closing = _closing(text, opening)
        parts.append(_no_autolink_at_end(md_text(text[position:opening.start()])))
        if closing is None:
            parts.append("\\`" * len(opening.group()))
            position = opening.end()
            continue
        parts.append(md_code(text[opening.end():closing.start()], table))
        position = closing.end()
    return "".join(parts)


def _no_autolink_at_end(markdown: str) -> str:
    """Text that a code span follows: an autolink running to its end would take the span's
    opening backticks into the link, and what the span held would be read as Markdown. The
    last run's `://` and `www.` are written with an entity (`&#58;`, `&#46;`): no link."""
    last = _LAST_RUN.search(markdown)
    assert last is not None
    run = last.group()
    if "://" not in run and "www." not in run.lower():
        return markdown
    return markdown[:last.start()] + _WWW.sub(r"\1&#46;", run.replace("://", "&#58;//"))


def _closing(text: str, opening: re.Match[str]) -> re.Match[str] | None:
    """The backtick run of the same length that closes a code span (CommonMark)."""
    for run in _BACKTICKS.finditer(text, opening.end()):
        if len(run.group()) == len(opening.group()):
            return run
    return None


def md_fence(text: str, info: str = "") -> list[str]:
    """A fenced code block holding `text` (its lines made `visible`), with a fence longer
    than any run of backticks in it: the block cannot be closed from inside."""
    lines = [visible(line) for line in text.split("\n")]
    longest = max((len(run) for line in lines for run in _BACKTICKS.findall(line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, *lines, fence]


def csv_cell(text: str) -> str:
    """A CSV cell: `visible`, and a leading `'` where a spreadsheet would run a formula."""
    shown = visible(text)
    return "'" + shown if shown.startswith(_FORMULA_START) else shown
