"""GitHub Actions workflow commands (`::error file=...,line=...::message`) for CI annotations.

GitHub shows these lines inline on a pull request. Escaping follows the rules of GitHub's own
toolkit (actions/toolkit packages/core/src/command.ts, and the runner's unescaping in
actions/runner src/Runner.Common/ActionCommand.cs): in the message `%`, CR and LF become `%25`,
`%0D`, `%0A`; in a property value `:` and `,` (which delimit the command) also become `%3A`
and `%2C`. Then both go through `escape.terminal`: no other control character reaches the
log, and no `##[` (the runner's legacy command syntax, read anywhere in a line). File paths
are shown as every message shows them (the callers pass findings located by
`where.in_repository`: joined to the PATH the user gave, relative to the current folder). The
runner reads a relative `file` from the repository's root (the workspace) and makes an
absolute one inside it relative to it (actions/runner src/Runner.Worker/ActionCommandManager.cs,
IssueCommandExtension, at a2e3217): run from the repository's root, a step's default folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from migrator.errors import MigratorError
from migrator.escape import terminal
from migrator.model import Finding
from migrator.where import relocate, shown

if TYPE_CHECKING:
    from migrator.codemod.findings import CodeFinding
    from migrator.upsun.validate import SchemaError

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """The toolkit's escapes (a line break stays one, as the annotation shows it), then
    `escape.terminal` for every other control character and `##[`."""
    return terminal(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return terminal(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
                    .replace(":", "%3A").replace(",", "%2C"))


def command(level: str, message: str, *, file: str | None = None, line: int = 0,
            column: int = 0, title: str | None = None) -> str:
    """One workflow command line; properties without a value (line 0, no file) are left out."""
    properties = [("file", file), ("line", str(line) if line else None),
                  ("col", str(column) if column and line else None), ("title", title)]
    given = ",".join(f"{key}={escape_property(value)}" for key, value in properties if value)
    return f"::{level}{' ' + given if given else ''}::{escape_data(message)}"


def finding(item: Finding) -> str:
    """A finding whose file is shown as every message shows it (`cli.printing.located`)."""
    return command(LEVELS[item.severity.value], item.message, file=item.location.file,
                   line=item.location.line, title=item.code)


def code_finding(item: CodeFinding) -> str:
    return command(LEVELS.get(item.severity, "error"), item.message, file=item.file,
                   line=item.line, column=item.column, title=item.code)


def schema_error(item: SchemaError) -> str:
    return command("error", f"{item.path or '(top level)'}: {item.message}", file=item.file,
                   line=item.line, title="schema")


def error(root: Path, exc: MigratorError) -> str:
    """A known failure (bad YAML, refusal): an error annotation on the file it names, if any
    (the repository itself is no file). The error is relocated (`where.relocate`) first."""
    file = relocate(exc, root).file
    file = None if file == shown(root) else file
    return command("error", exc.message, file=file, line=exc.line or 0, column=exc.column or 0,
                   title="upsun-migrator")
