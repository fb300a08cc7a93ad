"""Unified diff of the files a migration would create, change or remove."""

from __future__ import annotations

from migrator.model import FileAction, PlannedFile


def _lines(data: bytes | None) -> list[str] | None:
    """The text's lines, or None for a file shown as binary (not UTF-8, or holding NUL bytes,
    as git decides)."""
    if data is None:
        return []
    if b"\0" in data:
        return None
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
        lines = _whole(old, new, before, after) if not old or not new else _changed(old, new,
                                                                                   before, after)
        for line in lines:
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _whole(old: list[str], new: list[str], before: str, after: str) -> list[str]:
    """A file created or removed whole, as difflib writes it (without importing difflib: the
    common dry run, a created config.yaml, does not need it)."""
    if not old and not new:
        return []
    sign, lines = ("+", new) if new else ("-", old)
    count = str(len(lines)) if len(lines) == 1 else f"1,{len(lines)}"
    hunk = f"@@ -0,0 +{count} @@\n" if new else f"@@ -{count} +0,0 @@\n"
    return [f"--- {before}\n", f"+++ {after}\n", hunk, *(sign + line for line in lines)]


def _changed(old: list[str], new: list[str], before: str, after: str) -> list[str]:
    import difflib

    return list(difflib.unified_diff(old, new, before, after))
