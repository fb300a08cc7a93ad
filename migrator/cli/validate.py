"""`upsun-migrator validate`: `.upsun/*.yaml` against Upsun's schema and image registry."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import click

from migrator import escape, report
from migrator.cli import options as opt
from migrator.cli.command import Command
from migrator.cli.inputs import load_metadata
from migrator.cli.printing import annotated_errors, echo, located
from migrator.migration.pipeline import Metadata
from migrator.migration.upsuntree import registry_findings
from migrator.model import Finding, Severity
from migrator.report import github
from migrator.upsun.upsunfiles import ANY_STRING
from migrator.upsun.validate import Schema, SchemaError, validate_folder
from migrator.where import in_repository, shown

EPILOG = """\
Examples:

\b
  upsun-migrator validate .
  upsun-migrator validate --output-format github .
  upsun-migrator validate .upsun/config.yaml
  upsun-migrator validate --schema upsun.json --registry registry.json .
"""


class Checked(NamedTuple):
    """One repository's `.upsun/`: its schema errors and registry findings, each file shown as
    every message shows it."""

    path: Path
    errors: list[SchemaError]
    findings: list[Finding]

    @property
    def failures(self) -> int:
        return len(self.errors) + sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)


@click.command(cls=Command, epilog=EPILOG)
@click.argument("paths", nargs=-1, metavar="[PATH]...",
                type=click.Path(exists=True, readable=False, path_type=Path))
@opt.metadata_options("check")
@opt.output_format_option
@opt.debug_option
@click.pass_context
def command(ctx: click.Context, paths: tuple[Path, ...], schema_file: Path | None,
            registry_file: Path | None, output_format: str, debug: bool) -> None:
    """Check PATH/.upsun/*.yaml against the Upsun configuration schema and image registry.

    Each PATH is a repository (the current folder by default), or a file of its `.upsun/`
    folder, which is checked whole, as Upsun merges its files."""
    repositories = _repositories(paths or (Path("."),))
    metadata = load_metadata(schema_file, registry_file)
    results = [_check(path, metadata, output_format) for path in repositories]
    _print(results, _checked(metadata), output_format)
    echo(f"checked: {_sources(metadata)}", err=True)
    for result in results:
        echo(_status(result), err=True)
    if any(r.failures for r in results):
        ctx.exit(1)


def _repositories(paths: tuple[Path, ...]) -> list[Path]:
    """The repositories to check, each once, in the order given: a folder is one; a file is the
    repository whose `.upsun/` folder holds it (its first level: what Upsun reads)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            root = path
        elif path.parent.name == ".upsun" and path.suffix == ".yaml":
            root = path.parent.parent
        else:
            raise click.BadParameter(
                f"{escape.terminal(shown(path))} is not a .yaml file directly in a .upsun "
                "folder (validate checks a repository's .upsun/*.yaml)", param_hint="'[PATH]...'")
        if shown(root) not in {shown(p) for p in found}:
            found.append(root)
    return found


def _check(path: Path, metadata: Metadata, output_format: str) -> Checked:
    assert metadata.schema is not None and metadata.registry is not None
    with annotated_errors(path, output_format):  # versions: the registry checks, not the enum
        errors = validate_folder(path, Schema(metadata.schema, ANY_STRING, ANY_STRING))
        findings = registry_findings(path, metadata.registry)
    return Checked(path, [replace(e, file=in_repository(path, e.file)) for e in errors],
                   [located(path, f) for f in findings])


def _checked(metadata: Metadata) -> str:
    return f"{metadata.schema_origin}; versions from the {metadata.registry_origin}"


def _status(result: Checked) -> str:
    """`site/.upsun: valid, 2 warning(s)` or `site/.upsun: 3 error(s), 2 warning(s)`."""
    where = escape.terminal(in_repository(result.path, ".upsun"))
    warnings = f"{result.warnings} warning(s)" if result.warnings else ""
    if result.failures:
        return f"{where}: {', '.join(filter(None, [f'{result.failures} error(s)', warnings]))}"
    return f"{where}: {', '.join(filter(None, ['valid', warnings]))}"


def _sources(metadata: Metadata) -> str:
    """Where the schema and the registry came from, said once when they came from the same
    place (`Upsun schema and image registry from the embedded snapshot of ...`)."""
    schema_label, _, schema_origin = metadata.schema_origin.partition(" from ")
    registry_label, _, registry_origin = metadata.registry_origin.partition(" from ")
    if schema_origin == registry_origin:
        return f"{schema_label} and {registry_label} from {schema_origin}"
    return f"{metadata.schema_origin}; {metadata.registry_origin}"


def _print(results: list[Checked], checked: str, output_format: str) -> None:
    """Schema errors (`file:line: path: message`), then the registry findings as `migrate`'s
    report prints them; or one JSON document; or GitHub annotations."""
    errors = [e for r in results for e in r.errors]
    findings = [f for r in results for f in r.findings]
    if output_format == "json":
        echo(report.document(2, paths=[shown(r.path) for r in results],
                             valid=not any(r.failures for r in results), checked=checked,
                             errors=[{"file": e.file, "line": e.line, "path": e.path,
                                      "message": e.message} for e in errors],
                             findings=[report.finding_dict(f) for f in findings]),
             nl=False)
        return
    for error in errors:
        echo(github.schema_error(error) if output_format == "github"
             else escape.terminal(str(error)))
    for finding in findings:
        echo(github.finding(finding) if output_format == "github"
             else escape.terminal(str(finding)))
