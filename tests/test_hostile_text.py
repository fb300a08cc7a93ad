"""Issue 26 item 5: text from a repository reaches no terminal, CI log or pull request raw.

Generated hostile strings (escape sequences, line breaks, separators, bidi controls, workflow
commands, Markdown and HTML, shell syntax) are placed in app, worker and service names, keys,
values, comments and folder names. Every output holds no raw control character, no line that
GitHub's runner would take for a workflow command the tool did not mean, and parses back: the
text report and diff, the Markdown report (GitHub's parser: each table keeps its columns, no
HTML), the JSON report, GitHub annotations, the resources script, error lines in each output
format, `--check` lines, and `bulk`'s lines and summaries (JSON lines, CSV, Markdown).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from migrator.report import render
from tests.conftest import METADATA_ARGS, run, write_files

RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
                 "\ud800-\udfff\ufffe\uffff]")
PIECES = ["\x1b]0;pwned\x07", "\x1b[2J", "\n::error::forged", "\r::warning::x", "\t", "\x85",
          "\u2028", "\u202e", "\x9b", "\x7f", "::", "::error file=x::y", "##[error]forged",
          "##[add-mask]x", "`", "``", "|", "<script>alert(1)</script>", "<details>",
          "[link](http://evil)", "http://x", "www.x.y", "*", "_", "&amp;", "\\", "~~", "# h",
          "$(touch pwned)", "'", '"', " ", "é", "名"]
hostile = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), min_size=1,
                   max_size=5).map("".join)
#: What a YAML comment may hold (a comment ends at a line break; YAML allows no C0 but tab).
comment = hostile.map(lambda text: "".join(c for c in text if c == "\t" or (
    c.isprintable() and c not in "\x85\u2028\u2029")))
#: A folder name: anything but `/` and NUL, not hidden, not `.` or `..`.
folder = hostile.map(lambda text: "f" + text.replace("/", "|").replace("\0", "0"))
SURROGATE_PAIR = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})")
HTML = re.compile(r"<(?!/?(h1|h2|p|ul|ol|li|table|thead|tbody|tr|th|td|code|pre)\b|a href=|/a>)")


def q(text: str) -> str:
    """A YAML double-quoted scalar: JSON's escapes, but `\\U` for what JSON writes as a
    surrogate pair (YAML has no surrogates)."""
    return SURROGATE_PAIR.sub(lambda m: f"\\U{0x10000 + (int(m[1], 16) - 0xD800 << 10) + int(m[2], 16) - 0xDC00:08x}", json.dumps(text))


@st.composite
def projects(draw: st.DrawFn) -> dict[str, str]:
    app, worker, service, key, value = (draw(hostile) for _ in range(5))
    where = draw(folder)
    return {
        f"{where}/.platform.app.yaml": (
            f"name: {q(app)}\ntype: php:8.4\nsize: S  # {draw(comment)}\ndisk: 512\n"
            f"{q(key)}: {q(value)}\nmounts:\n  {q('/' + value)}: 'shared:files/x'\n"
            f"relationships:\n  db: {q(service + ':mysql')}\nworkers:\n  {q(worker)}:\n"
            "    size: S\n    commands: {start: run}\n"),
        ".platform/services.yaml": f"{q(service)}:\n  type: mariadb:11.8\n  disk: 2048\n",
        ".platform/routes.yaml": f"{q('https://{default}/' + value)}:\n  type: upstream\n"
                                 f"  upstream: {q(app + ':http')}\n"}


def assert_terminal_safe(text: str) -> None:
    """No raw control character (but line ends, and the tabs of file contents in a diff: a
    tab moves the cursor, nothing more), no workflow command the tool did not mean."""
    assert RAW.search(text.replace("\t", "")) is None, repr(text)
    for line in text.split("\n"):
        assert not line.lstrip().startswith("::"), line
        assert "##[" not in line, line


def assert_annotations(text: str) -> None:
    assert RAW.search(text) is None, repr(text)
    for line in text.split("\n")[:-1]:
        assert re.match(r"::(error|warning|notice)( [^:]*)?::", line), line
        assert "##[" not in line, line


def assert_markdown(text: str) -> None:
    """GitHub renders each table with its header's columns and no HTML from the repository
    (bare URLs become links that show themselves)."""
    assert RAW.search(text) is None, repr(text)
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
    for table in re.findall(r"<table>.*?</table>", html, re.S):
        columns = len(re.findall(r"<th[ >]", table.split("</thead>")[0]))
        rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
        assert rows and all(len(re.findall(r"<td[ >]", row)) == columns for row in rows), table
    assert HTML.search(html) is None, html
    assert len(re.findall("<h[12]>", html)) == len(re.findall("^#", text, re.M)), html


def assert_json(text: str) -> object:
    assert RAW.search(text) is None, repr(text)
    return json.loads(text)


def assert_one_error_line(text: str) -> None:
    assert text.startswith("error: ") and text.count("\n") == 1, text
    assert_terminal_safe(text)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=projects())
def test_every_output_of_migrate_is_safe(tmp_path_factory: pytest.TempPathFactory,
                                         files: dict[str, str]) -> None:
    work = tmp_path_factory.mktemp("work")
    repo = write_files(work / "repo", files)
    report, machine, script = work / "report.md", work / "report.json", work / "resources.sh"
    done = run("migrate", repo, *METADATA_ARGS, "--dry-run", "--report", report, "--json",
               machine, "--resources-script", script)
    event(f"exit {done.exit_code}")
    if done.exit_code == 1:  # a name the discovery refuses (`.platform.app.yaml` in a folder
        assert_one_error_line(done.stderr)  # with a name that is not UTF-8, ...)
        return
    assert done.exit_code == 0, done.stderr
    assert_terminal_safe(done.stdout + done.stderr)
    assert_markdown(report.read_text(encoding="utf-8"))
    found = assert_json(machine.read_text(encoding="utf-8"))
    assert isinstance(found, dict) and found["summary"]["applications"] == 1
    lines = script.read_text(encoding="utf-8").split("\n")[:-1]
    assert RAW.search("".join(lines)) is None
    fixed = render.resources_script_arguments()
    assert all(line.startswith(("#", "set -e", "upsun resources:set ", "echo '"))
               or line in fixed for line in lines)

    annotated = run("migrate", repo, *METADATA_ARGS, "--dry-run", "--output-format", "github")
    assert annotated.exit_code == 0
    assert_annotations(annotated.stdout)
    assert_terminal_safe(annotated.stderr)

    checked = run("migrate", repo, *METADATA_ARGS, "--check", "--diff")
    assert checked.exit_code == 1
    assert_terminal_safe(checked.stdout + checked.stderr)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=projects(), output_format=st.sampled_from(["text", "github", "json"]))
def test_error_lines_are_safe_in_every_format(tmp_path_factory: pytest.TempPathFactory,
                                              files: dict[str, str], output_format: str) -> None:
    """Two applications with the same hostile name: the refusal quotes the name and the
    files, whatever they hold (or another refusal comes first: an empty name, ...)."""
    repo = write_files(tmp_path_factory.mktemp("repo"), files)
    app_file = next(rel for rel in files if rel.endswith(".platform.app.yaml"))
    name = re.match(r"name: (.*)\n", files[app_file]).group(1)  # type: ignore[union-attr]
    write_files(repo, {"other/.platform.app.yaml": f"name: {name}\ntype: php:8.4\n"})
    done = run("migrate", repo, *METADATA_ARGS, "--output-format", output_format)
    assert done.exit_code == 1
    assert_one_error_line(done.stderr)
    if output_format == "github":
        assert_annotations(done.stdout)
    elif output_format == "json":
        assert assert_json(done.stdout)["error"]["message"]  # type: ignore[index]
    assert not (repo / ".upsun").exists()


# A quarter of the profile's search: each example runs `bulk` twice.
@settings(max_examples=settings.default.max_examples // 4,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(names=st.lists(folder, min_size=2, max_size=2, unique=True), files=projects())
def test_bulk_lines_and_summaries_are_safe(tmp_path_factory: pytest.TempPathFactory,
                                           names: list[str], files: dict[str, str]) -> None:
    """Two repositories with hostile folder names: one a generated project (migrated or
    refused), one that fails on bad YAML."""
    work = tmp_path_factory.mktemp("work")
    fleet = work / "fleet"
    write_files(fleet / names[0], files)
    write_files(fleet / names[1], {".platform.app.yaml": f"name: {q(names[1])}\n  bad: [\n"})
    summaries = [work / "summary.jsonl", work / "summary.csv", work / "summary.md"]
    for summary in summaries[:2]:
        done = run("bulk", fleet, *METADATA_ARGS, "--dry-run", "--jobs", "1", "--summary",
                   summary, *(["--summary-md", summaries[2]] if summary.suffix == ".csv"
                              else []))
        assert done.exit_code == 1, done.output
        assert_terminal_safe(done.stdout + done.stderr)
        assert done.stdout.count("\n") == 2 and done.stdout.startswith(("dry-run", "failed"))
    rows = [assert_json(line) for line in summaries[0].read_text(encoding="utf-8").splitlines()]
    assert sorted(row["status"] for row in rows)[1:] == ["failed"]  # type: ignore[index]
    table = list(csv.reader(io.StringIO(summaries[1].read_text(encoding="utf-8"))))
    assert len(table) == 3 and all(len(row) == 7 for row in table)
    assert RAW.search(summaries[1].read_text(encoding="utf-8").replace("\n", "")) is None
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)
    assert_markdown(summaries[2].read_text(encoding="utf-8"))
    assert os.listdir(fleet) and not (fleet / names[0] / ".upsun").exists()
