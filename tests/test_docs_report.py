"""docs/report.md shows the report of `examples/workers` as the tool prints it today: each example
block is the tool's output, checked here (`UPDATE_DOCS=1 pytest tests/test_docs_report.py` writes
them anew after a change of the report, to be read like a snapshot)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from tests.conftest import REPO, run

PAGE = REPO / "docs" / "report.md"
#: Each example: the line that introduces it, and the fence that opens its block.
BLOCKS = {"terminal": ("`UPSUN_MIGRATOR_OFFLINE=1 upsun-migrator migrate examples/workers`", "```"),
          "markdown": ("### `--report report.md`", "````markdown"),
          "script": ("### `--resources-script resources.sh`", "```sh"),
          "json": ("The workers example:", "```json")}


def _outputs(tmp_path: Path) -> dict[str, str]:
    """What `migrate` prints and writes for the example, offline (the embedded metadata)."""
    work = tmp_path / "examples" / "workers"
    shutil.copytree(REPO / "examples" / "workers", work)
    result = run("migrate", work, "--report", tmp_path / "report.md", "--resources-script",
                 tmp_path / "resources.sh", "--json", tmp_path / "report.json")
    assert result.exit_code == 0, result.stderr
    return {"terminal": result.stdout, "markdown": (tmp_path / "report.md").read_text(),
            "script": (tmp_path / "resources.sh").read_text(),
            "json": (tmp_path / "report.json").read_text()}


def _replace(page: str, name: str, text: str) -> str:
    intro, fence = BLOCKS[name]
    start = page.index(fence + "\n", page.index(intro)) + len(fence) + 1
    closing = fence.rstrip("abcdefghijklmnopqrstuvwxyz")
    end = page.index("\n" + closing + "\n", start - 1) + 1
    return page[:start] + text + page[end:]


def test_the_report_page_shows_what_the_tool_prints(tmp_path: Path) -> None:
    page = PAGE.read_text(encoding="utf-8")
    expected = page
    for name, text in _outputs(tmp_path).items():
        expected = _replace(expected, name, text)
    if os.environ.get("UPDATE_DOCS") == "1":
        PAGE.write_text(expected, encoding="utf-8")
    assert page == expected


def test_the_blocks_are_found_once() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for intro, _fence in BLOCKS.values():
        assert len(re.findall(re.escape(intro), page)) == 1, intro
