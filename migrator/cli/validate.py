"""`upsun-migrator validate`: `.upsun/*.yaml` against Upsun's schema and image registry."""

from __future__ import annotations

from pathlib import Path

import click

from migrator import annotations as github
from migrator import escape
from migrator.cli import options as opt
from migrator.cli.command import Command
from migrator.cli.inputs import load_metadata
from migrator.cli.printing import annotated_errors, echo
from migrator.model import Finding, Severity
from migrator.upsunfiles import ANY_STRING
from migrator.upsuntree import registry_findings
from migrator.validate import Schema, SchemaError, validate_folder

EPILOG = """\
Examples:

\b
  upsun-migrator validate .
  upsun-migrator validate --output-format github .
  upsun-migrator validate --schema upsun.json --registry registry.json .
"""


@click.command(cls=Command, epilog=EPILOG)
@opt.repository_argument()
@opt.metadata_options("check")
@opt.output_format_option
@opt.debug_option
@click.pass_context
def command(ctx: click.Context, path: Path, schema_file: Path | None,
            registry_file: Path | None, output_format: str, debug: bool) -> None:
    """Check PATH/.upsun/*.yaml against the Upsun configuration schema and image registry."""
    metadata = load_metadata(schema_file, registry_file)
    assert metadata.schema is not None and metadata.registry is not None
    with annotated_errors(path, output_format):  # versions: the registry checks, not the enum
        errors = validate_folder(path, Schema(metadata.schema, ANY_STRING, ANY_STRING))
        findings = registry_findings(path, metadata.registry)
    checked = f"{metadata.schema_origin}; versions from the {metadata.registry_origin}"
    _print(path, errors, findings, checked, output_format)
    failures = len(errors) + sum(f.severity is Severity.ERROR for f in findings)
    if failures:
        echo(f"{path}/.upsun: {failures} error(s) ({checked})", err=True)
        ctx.exit(1)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    echo(f"{path}/.upsun: valid{f' with {warnings} warning(s)' if warnings else ''} "
         f"({checked})", err=True)


def _print(path: Path, errors: list[SchemaError], findings: list[Finding], checked: str,
           output_format: str) -> None:
    """Schema errors (`file:line: path: message`), then the registry findings as `migrate`'s
    report prints them; or one JSON document; or GitHub annotations."""
    if output_format == "json":
        valid = not errors and not any(f.severity is Severity.ERROR for f in findings)
        document = {"version": 1, "path": str(path), "valid": valid, "checked": checked,
                    "errors": [{"file": e.file, "line": e.line, "path": e.path,
                                "message": e.message} for e in errors],
                    "findings": [{"code": f.code, "severity": f.severity.value,
                                  "file": f.location.file, "line": f.location.line,
                                  "message": f.message} for f in findings]}
        echo(escape.dumps(document, indent=2))
        return
    for error in errors:
        echo(github.schema_error(path, error) if output_format == "github"
             else escape.terminal(str(error)))
    for finding in findings:
        echo(github.finding(path, finding) if output_format == "github"
             else escape.terminal(str(finding)))
