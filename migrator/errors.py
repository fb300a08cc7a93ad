"""The errors the migrator knows about; each becomes one line and exit code 1."""

from __future__ import annotations

from migrator.escape import terminal


class MigratorError(Exception):
    """A known failure caused by the input or the environment, never by a bug."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.relocated = False  # `where.relocate` has made `file` what messages show

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        # one line of printable text, always: a name or value quoted in a message may hold
        # line breaks, escape sequences or a workflow command (escape.terminal)
        return terminal(where + self.message)


class InputError(MigratorError):
    """The legacy configuration cannot be read or understood (bad YAML, bad file, bad value)."""


class RefusedError(MigratorError):
    """A safety refusal: the migrator will not do what was asked (overwrite, leave the repo...)."""


class NothingToMigrate(MigratorError):
    """No legacy configuration was found."""


#: How many values a configuration may expand to once its aliases are followed.
MAX_VALUES = 200_000


class ExpansionError(InputError):
    """Aliases that expand to more values than any real configuration holds (an alias bomb).
    The path is shown up to its first list index: the mapping key the expansion ran away in."""

    def __init__(self, path: list[object], file: str = "", line: int = 0) -> None:
        path = path[:next((i for i, key in enumerate(path) if isinstance(key, int)), len(path))]
        super().__init__(f"{'.'.join(map(str, path))}: aliases expand to more than "
                         f"{MAX_VALUES:,} values; refused", file, line)
        self.path = path
