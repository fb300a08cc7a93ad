"""Every example of docs/codemod.md holds: its Before, run through `codemod --write` with the
flags the page names, gives its After and exactly its Findings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import TESTS, run

PAGE = TESTS.parent / "docs" / "codemod.md"
EXAMPLE = re.compile(
    r"^## (?P<title>.+?)\n.*?^Before:\n\n```python\n(?P<before>.*?)```\n\n"
    r"^After `codemod --write(?P<flags>[^`]*)`:\n\n```python\n(?P<after>.*?)```\n\n"
    r"^Findings:\n\n```\n(?P<findings>.*?)```", re.MULTILINE | re.DOTALL)
EXAMPLES = {m["title"]: m for m in EXAMPLE.finditer(PAGE.read_text(encoding="utf-8"))}


def test_every_section_with_an_example_is_checked() -> None:
    sections = re.findall(r"^## (.+)$", PAGE.read_text(encoding="utf-8"), re.MULTILINE)
    with_example = [s for s in sections if s in EXAMPLES]
    assert len(with_example) == PAGE.read_text(encoding="utf-8").count("\nBefore:\n")
    assert len(with_example) >= 14


@pytest.mark.parametrize("title", sorted(EXAMPLES))
def test_the_example_holds(title: str, tmp_path: Path) -> None:
    example = EXAMPLES[title]
    (tmp_path / "app.py").write_text(example["before"], encoding="utf-8")
    done = run("codemod", "--write", *example["flags"].split(), tmp_path)
    assert (tmp_path / "app.py").read_text(encoding="utf-8") == example["after"]
    assert done.stdout.splitlines()[:-1] == example["findings"].splitlines()
