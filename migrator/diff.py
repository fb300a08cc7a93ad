"""Unified diff of the files a migration would create, change or remove."""

from __future__ import annotations

import difflib

from migrator.model import FileAction, PlannedFile


def _lines(data: bytes | None) -> list[str] | None:
    if data is None:
        return []
    try:
        return data.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return None


def unified(files: tuple[PlannedFile, ...] | list[PlannedFile]) -> str:
    """`a/`/`b/` prefixes, `/dev/null` for created and removed files; "" when nothing changes."""
    out: list[str] = []
    for planned in files:
        before = "/dev/null" if planned.action is FileAction.CREATE else f"a/{planned.path}"
        after = "/dev/null" if planned.action is FileAction.DELETE else f"b/{planned.path}"
        old, new = _lines(planned.old), _lines(planned.new)
        if old is None or new is None:
            out.append(f"Binary files {before} and {after} differ\n")
            continue
        for line in difflib.unified_diff(old, new, before, after):
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
