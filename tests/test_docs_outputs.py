"""Every command output the docs show is the tool's, checked by a test.

A transcript block (a fence whose first line is `$ upsun-migrator ...`) is run here: the files
shown above it (`path` in backticks, then its block) are written to a scratch folder, the
tests' copies of Upsun's schema and registry are there as `upsun.json` and `registry.json`, the
command runs offline (the embedded metadata otherwise), and the block holds its stdout, then its
stderr. `UPDATE_DOCS=1 pytest tests/test_docs_outputs.py` writes them anew, to be read like a
snapshot. The other output blocks of the docs are checked where their page is
(`PAGE_CHECKERS`); a page may hold no output block that nothing checks.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.conftest import REGISTRY, REPO, SCHEMAS, run, write_files

DOCS = sorted([*(REPO / "docs").rglob("*.md"), REPO / "README.md", REPO / "SECURITY.md"])
TRANSCRIPT = re.compile(r"^```\n\$ (?P<command>upsun-migrator [^\n]*)\n(?P<output>.*?)^```$",
                        re.MULTILINE | re.DOTALL)
FILE = re.compile(r"^`(?P<path>[^`\n]+)`\n\n(?P<fence>```+)\w*\n(?P<text>.*?)^(?P=fence)$",
                  re.MULTILINE | re.DOTALL)
FENCE = re.compile(r"^(`{3,})(\w*)$")
#: Pages whose output blocks another test checks, and that test.
PAGE_CHECKERS = {
    "docs/report.md": "tests/test_docs_report.py",
    "docs/codemod.md": "tests/codemod/test_docs.py",
    "docs/ecosystem.md": "tests/test_ecosystem_docs.py",
    **{f"docs/rules/{p.name}": "tests/test_docs_rules.py"
       for p in (REPO / "docs" / "rules").glob("UPS*.md")},
}


def _blocks(text: str) -> list[tuple[str, str]]:
    """Each fenced block of a page: its language (empty: what a command prints) and body."""
    blocks: list[tuple[str, str]] = []
    opened: tuple[str, str, list[str]] | None = None
    for line in text.split("\n"):
        fence = FENCE.match(line)
        if opened is None and fence:
            opened = (fence.group(1), fence.group(2), [])
        elif opened is not None and line == opened[0]:
            blocks.append((opened[1], "\n".join(opened[2])))
            opened = None
        elif opened is not None:
            opened[2].append(line)
    return blocks


def _transcripts() -> list[tuple[Path, str]]:
    return [(page, m["command"]) for page in DOCS
            for m in TRANSCRIPT.finditer(page.read_text(encoding="utf-8"))]


def _output(page: str, found: re.Match[str], work: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """What the command prints, run on the files the page shows since the previous block."""
    previous = [m.end() for m in TRANSCRIPT.finditer(page, 0, found.start())]
    files = {m["path"]: m["text"] for m in FILE.finditer(page, previous[-1] if previous else 0,
                                                         found.start())}
    write_files(work, files)
    shutil.copyfile(SCHEMAS / "upsun.json", work / "upsun.json")
    shutil.copyfile(REGISTRY, work / "registry.json")
    monkeypatch.chdir(work)
    done = run(*shlex.split(found["command"])[1:])
    return done.stdout + done.stderr


@pytest.mark.parametrize(("page", "command"), _transcripts(),
                         ids=[f"{p.name}: {c}" for p, c in _transcripts()])
def test_a_transcript_is_what_the_tool_prints(page: Path, command: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    text = page.read_text(encoding="utf-8")
    found = next(m for m in TRANSCRIPT.finditer(text) if m["command"] == command)
    output = _output(text, found, tmp_path / "work", monkeypatch)
    expected = text[:found.start("output")] + output + text[found.end("output"):]
    if os.environ.get("UPDATE_DOCS") == "1":
        page.write_text(expected, encoding="utf-8")
    assert text == expected


def test_there_are_transcripts() -> None:
    assert {page.name for page, _ in _transcripts()} >= {"validation.md"}


@pytest.mark.parametrize("page", DOCS, ids=[str(p.relative_to(REPO)) for p in DOCS])
def test_every_output_block_is_checked(page: Path) -> None:
    """An output block is a transcript run here, or on a page another test checks whole."""
    rel = page.relative_to(REPO).as_posix()
    text = page.read_text(encoding="utf-8")
    unchecked = [body for lang, body in _blocks(text) if not lang and not body.startswith("$ ")]
    assert not unchecked or rel in PAGE_CHECKERS, unchecked
    if rel in PAGE_CHECKERS:
        assert (REPO / PAGE_CHECKERS[rel]).is_file()
