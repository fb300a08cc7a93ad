"""The dry run's unified diff: what difflib writes, for created, removed and changed files."""

from __future__ import annotations

import difflib

from hypothesis import given
from hypothesis import strategies as st

from migrator.model import FileAction, PlannedFile
from migrator.report.diff import unified

LINES = st.lists(st.sampled_from(["a", "b", "", "x: y", "  - z", "é"]), max_size=8)


def _difflib(old: bytes | None, new: bytes | None, before: str, after: str) -> str:
    lines = [(data or b"").decode().splitlines(keepends=True) for data in (old, new)]
    out = difflib.unified_diff(lines[0], lines[1], before, after)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in out)


@given(lines=LINES, other=LINES, final_newline=st.booleans())
def test_every_file_diffs_as_difflib_writes_it(lines: list[str], other: list[str],
                                              final_newline: bool) -> None:
    """A created or removed file is written without difflib; it must read as difflib's."""
    text = ("\n".join(lines) + ("\n" if final_newline and lines else "")).encode()
    changed = ("\n".join(other) + "\n").encode()
    cases = [(FileAction.CREATE, None, text, "/dev/null", "b/f"),
             (FileAction.DELETE, text, None, "a/f", "/dev/null"),
             (FileAction.MODIFY, changed, text, "a/f", "b/f")]
    for action, old, new, before, after in cases:
        assert unified([PlannedFile("f", action, old, new)]) == _difflib(old, new, before, after)


def test_a_created_config_without_difflib() -> None:
    assert unified([PlannedFile(".upsun/config.yaml", FileAction.CREATE, None, b"a: 1\nb: 2")]) == (
        "--- /dev/null\n+++ b/.upsun/config.yaml\n@@ -0,0 +1,2 @@\n+a: 1\n+b: 2\n"
        "\\ No newline at end of file\n")


def test_a_file_with_nul_bytes_is_binary_as_git_shows_it() -> None:
    """Issue 23 item 15: NUL bytes are valid UTF-8, but the file is not text."""
    assert unified([PlannedFile(".upsun/cert.der", FileAction.CREATE, None, b"a\x00b\n"),
                    PlannedFile(".platform/x.bin", FileAction.DELETE, b"\x00", None)]) == (
        "Binary files /dev/null and b/.upsun/cert.der differ\n"
        "Binary files a/.platform/x.bin and /dev/null differ\n")
