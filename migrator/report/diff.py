"""Unified diff of the files a migration would create, change or remove.

The diff shows text from the repository (file contents and paths) in a terminal or a CI log:
each line goes through `escape.terminal` (its tabs and its `\\n` or `\\r\\n` ending kept), so
a control character shows as an escape and no line is a GitHub workflow command. Lines are
split at `\\n` only, as git splits them. On a terminal (`color`), lines are coloured as git
colours them by default (git's diff.c `diff_colors`: file headers bold, hunk headers cyan,
removed lines red, added lines green); the colour wraps a line already escaped, so the only
escape sequences in the output are these.
"""

from __future__ import annotations

import difflib

from migrator.escape import terminal
from migrator.model import FileAction, PlannedFile


def _lines(data: bytes | None) -> list[str] | None:
    """The text's lines, or None for a file shown as binary (not UTF-8, or holding NUL bytes,
    as git decides)."""
    if data is None:
        return []
    if b"\0" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _shown(line: str) -> str:
    """A line of the diff for a terminal: its text escaped, its tabs (indentation in shell
    hooks, harmless on a terminal) and line ending kept."""
    ending = "\r\n" if line.endswith("\r\n") else "\n" if line.endswith("\n") else ""
    return "\t".join(map(terminal, line[:len(line) - len(ending)].split("\t"))) + ending


#: git's default colours (diff.c: GIT_COLOR_BOLD for the file headers, GIT_COLOR_CYAN for the
#: hunk headers, GIT_COLOR_RED and GIT_COLOR_GREEN for removed and added lines).
HEADER, HUNK, REMOVED, ADDED = "1", "36", "31", "32"


def _paint(line: str, header: bool) -> str:
    """A line of the diff (escaped, with its ending) coloured as git colours it; `header`: one
    of the two `---`/`+++` lines that open a file's diff (a removed line may start `---`)."""
    code = HEADER if header else {"@": HUNK, "-": REMOVED, "+": ADDED}.get(line[:1])
    if code is None:
        return line
    body = line.rstrip("\r\n")
    return f"\033[{code}m{body}\033[0m{line[len(body):]}"


def unified(files: tuple[PlannedFile, ...] | list[PlannedFile], color: bool = False) -> str:
    """`a/`/`b/` prefixes, `/dev/null` for created and removed files; "" when nothing changes.
    With `color`, coloured as git colours a diff on a terminal."""
    out: list[str] = []
    for planned in files:
        before = "/dev/null" if planned.action is FileAction.CREATE else f"a/{planned.path}"
        after = "/dev/null" if planned.action is FileAction.DELETE else f"b/{planned.path}"
        old, new = _lines(planned.old), _lines(planned.new)
        if old is None or new is None:
            out.append(_shown(f"Binary files {before} and {after} differ\n"))
            continue
        lines = difflib.unified_diff(old, new, before, after)
        for index, line in enumerate(lines):
            shown = _paint(_shown(line), index < 2) if color else _shown(line)
            out.append(shown if line.endswith("\n")
                       else shown + "\n\\ No newline at end of file\n")
    return "".join(out)

