"""What every command prints with: the streams, colour, and machine-readable failures."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from migrator import report
from migrator.errors import MigratorError
from migrator.model import Finding, Location
from migrator.report import Report, github
from migrator.where import in_repository, relocate, shown


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Write text exactly as given (no style stripping) and flush, on stdout or stderr."""
    stream = sys.stderr if err else sys.stdout
    stream.write(f"{text}\n" if nl else text)
    stream.flush()


def use_color(stream: TextIO, choice: str = "auto") -> bool:
    """Whether to colour what goes to `stream`, first rule that applies:

    1. `--color always` or `--color never`: a command-line argument overrides the
       environment (no-color.org's FAQ: "per-instance command-line arguments should override
       $NO_COLOR");
    2. NO_COLOR set to a non-empty value: no colour (no-color.org: "when present and not an
       empty string (regardless of its value)"), even with FORCE_COLOR, as CPython decides
       (Lib/_colorize.py `can_colorize` at c3b1186). force-color.org's example lets
       FORCE_COLOR win instead: the two disagree, and the user's standing "no colour" is
       kept here;
    3. FORCE_COLOR set to a non-empty value, whatever it is (`0` too): colour, also into a
       pipe or a CI log (force-color.org: "present and not an empty string (regardless of
       its value)"; CPython the same);
    4. TERM=dumb: no colour (CPython's `can_colorize`);
    5. otherwise colour only on a terminal.
    """
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


@contextlib.contextmanager
def annotated_errors(path: Path, output_format: str) -> Iterator[None]:
    """A known failure is also machine output on stdout: with --output-format github an error
    annotation, with json one document `{"version", "path", "error": {file, line, column,
    message}}`, so that stdout always holds what the format promises. The failure goes on to
    the error boundary, relocated (`where.relocate`) as the annotation and the document are."""
    try:
        yield
    except MigratorError as exc:
        relocate(exc, path)
        if output_format == "github":
            echo(github.error(path, exc))
        elif output_format == "json":
            error = {"file": exc.file, "line": exc.line, "column": exc.column,
                     "message": exc.message}
            echo(report.document(1, path=shown(path), error=error), nl=False)
        raise


def located(path: Path, finding: Finding) -> Finding:
    """A finding of the repository at `path` with its file as every message shows it."""
    where = finding.location
    return finding._replace(location=Location(in_repository(path, where.file), where.line))


def annotate_report(path: Path, built: Report) -> None:
    """A report's findings, then its code findings, as GitHub annotations on stdout."""
    for finding in built.findings:
        echo(github.finding(located(path, finding)))
    for code in built.code:
        echo(github.code_finding(replace(code, file=in_repository(path, code.file))))
