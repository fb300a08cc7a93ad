"""What every command prints with: the streams, colour, and machine-readable failures."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from migrator import annotations as github
from migrator.errors import MigratorError
from migrator.escape import dumps
from migrator.model import Finding, Location
from migrator.report import Report
from migrator.where import in_repository, relocate, shown


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Write text exactly as given (no style stripping) and flush, on stdout or stderr."""
    stream = sys.stderr if err else sys.stdout
    stream.write(f"{text}\n" if nl else text)
    stream.flush()


def use_color(stream: TextIO) -> bool:
    """On a terminal, unless NO_COLOR is set to a non-empty value (no-color.org: "when present
    and not an empty string")."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


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
            echo(dumps({"version": 1, "path": shown(path), "error": error}, indent=2))
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
