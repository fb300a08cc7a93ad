"""docs/rules/UPS*.md show what the tool does today: each page's Before files are migrated (with
the options its After heading names, offline: the embedded metadata), and its After files and
its "In the report" block are the tool's output, checked here. `UPDATE_DOCS=1 pytest
tests/test_docs_rules.py` writes them anew after a change, to be read like a snapshot."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import REPO, run, write_files

PAGES = sorted((REPO / "docs" / "rules").glob("UPS*.md"))
#: A file of an example: its path in backticks on a line of its own, then its fenced block.
FILE = re.compile(r"^`(?P<path>[^`\n]+)`\n\n(?P<fence>```+)(?P<lang>\w*)\n(?P<text>.*?)^(?P=fence)$",
                  re.MULTILINE | re.DOTALL)
AFTER = re.compile(r"^## After \(`upsun-migrator migrate(?P<options>[^`]*)`\)\n", re.MULTILINE)
REPORT = re.compile(r"^## In the report\n\n```\n(?P<text>.*?)^```$", re.MULTILINE | re.DOTALL)
#: The report's sections a page shows beside the lines of its own code.
SECTIONS = {"UPS005": ("Resources",), "UPS008": ("Files",)}


def _section(page: str, title: str) -> tuple[int, int]:
    """Where the section that starts with the heading `title` is: up to the next `## `."""
    start = re.search(rf"^## {re.escape(title)}", page, re.MULTILINE)
    assert start is not None, title
    end = re.search(r"^## ", page[start.end():], re.MULTILINE)
    return start.start(), start.end() + (end.start() if end else len(page) - start.end())


def _files(page: str, title: str) -> dict[str, str]:
    start, end = _section(page, title)
    return {m["path"]: m["text"] for m in FILE.finditer(page, start, end)}


def _report(stdout: str, code: str) -> str:
    """The report's Findings and Changes lines of `code` under their headings, and the sections
    the page shows whole, as the terminal report prints them (a blank line between two)."""
    shown: list[str] = []
    for block in stdout.rstrip("\n").split("\n\n"):
        title, *lines = block.split("\n")
        if title.split(" (")[0] in SECTIONS.get(code, ()):  # `Resources (for your ...)`
            shown.append("\n".join([title, *lines]))
        elif title in ("Findings", "Changes"):
            mine = [line for line in lines if code in line.split()[:2]]
            shown += ["\n".join([title, *mine])] if mine else []
    return "\n\n".join(shown) + "\n"


def _migrated(page: str, work: Path, code: str,
              monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, str], str]:
    """The page's After files and report block, as the tool writes and prints them, run in
    the repository (paths shown relative to it)."""
    after = AFTER.search(page)
    assert after is not None
    repo = write_files(work / code, _files(page, "Before"))
    monkeypatch.chdir(repo)
    done = run("migrate", *shlex.split(after["options"]), ".")
    assert done.exit_code == 0, done.stderr
    created = sorted(f.relative_to(repo).as_posix() for f in (repo / ".upsun").rglob("*")
                     if f.is_file())
    assert sorted(_files(page, "After")) == created, code  # every file written is shown
    written = {rel: (repo / rel).read_text(encoding="utf-8") for rel in created}
    return written, _report(done.stdout, code)


def _expected(page: str, work: Path, code: str, monkeypatch: pytest.MonkeyPatch) -> str:
    written, report = _migrated(page, work, code, monkeypatch)
    start, end = _section(page, "After")
    body = FILE.sub(lambda m: f"`{m['path']}`\n\n{m['fence']}{m['lang']}\n{written[m['path']]}"
                              f"{m['fence']}", page[start:end])
    page = page[:start] + body + page[end:]
    found = REPORT.search(page)
    assert found is not None, code
    return page[:found.start("text")] + report + page[found.end("text"):]


@pytest.mark.parametrize("page", PAGES, ids=[p.name[:6] for p in PAGES])
def test_the_rule_page_shows_what_the_tool_does(page: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    text = page.read_text(encoding="utf-8")
    code = page.name[:6]
    expected = _expected(text, tmp_path, code, monkeypatch)
    if os.environ.get("UPDATE_DOCS") == "1":
        page.write_text(expected, encoding="utf-8")
    assert text == expected


@pytest.mark.parametrize("page", PAGES, ids=[p.name[:6] for p in PAGES])
def test_every_page_has_its_example(page: Path) -> None:
    """Before files, an After block per file the migration writes, a report block that shows
    the page's own code."""
    text = page.read_text(encoding="utf-8")
    code = page.name[:6]
    for title in ("Before", "After", "In the report"):
        assert len(re.findall(rf"^## {title}\b", text, re.MULTILINE)) == 1, title
    start, end = _section(text, "After")
    fences = re.findall(r"^```+\w*$", text[start:end], re.MULTILINE)
    assert len(fences) == 2 * len(_files(text, "After")), "a block without its file's path"
    assert _files(text, "Before") and ".upsun/config.yaml" in _files(text, "After")
    report = REPORT.search(text)
    assert report is not None and f"  {code}  " in report["text"]


INCLUDES = REPO / "docs" / "rules" / "UPS008-includes.md"
#: The warning docs/rules/UPS008 quotes for an include out of .platform/ (its Before example,
#: the VCL taken from `../common/default.vcl`).
GOING_UP = re.compile(r"^ +(?P<line>warning  UPS008  \S+  \.platform/\.\./common/default\.vcl .*)$",
                      re.MULTILINE)


def test_the_warning_for_an_include_out_of_platform_is_the_tools(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = INCLUDES.read_text(encoding="utf-8")
    files = _files(page, "Before")
    services = files[".platform/services.yaml"]
    assert "path: config.vcl\n" in services
    files[".platform/services.yaml"] = services.replace("path: config.vcl\n",
                                                        "path: ../common/default.vcl\n")
    repo = write_files(tmp_path / "repo", {**files, "common/default.vcl": "vcl 4.1;\n"})
    monkeypatch.chdir(repo)
    done = run("migrate", ".")
    assert done.exit_code == 0, done.stderr
    printed = [line.strip() for line in done.stdout.splitlines()
               if line.strip().startswith("warning  UPS008") and "../common/" in line]
    shown = GOING_UP.search(page)
    assert shown is not None and len(printed) == 1
    if os.environ.get("UPDATE_DOCS") == "1":
        INCLUDES.write_text(page[:shown.start("line")] + printed[0] + page[shown.end("line"):],
                            encoding="utf-8")
    assert shown["line"] == printed[0]
