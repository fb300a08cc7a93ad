"""`upsun-migrator codemod`: Python code that reads Platform.sh settings, found or rewritten."""

from __future__ import annotations

from pathlib import Path

import click

from migrator import annotations as github
from migrator import codemod as code
from migrator import escape
from migrator.cli import options as opt
from migrator.cli.command import Command
from migrator.cli.printing import annotated_errors, echo
from migrator.codemod.findings import CodeFinding
from migrator.diff import unified
from migrator.model import FileAction, PlannedFile

MODE = "Mode"
REWRITES = "Rewrite"

EPILOG = """\
Examples:

\b
  upsun-migrator codemod .
  upsun-migrator codemod --diff --service-env-vars .
  upsun-migrator codemod --write --select UPS121,UPS16 app
"""


@click.command(cls=Command, epilog=EPILOG)
@opt.repository_argument(exists=True)
@opt.flag("--check", "check_only", section=MODE,
          help="Report only (default); exit 1 if a finding would change code.")
@opt.flag("--diff", "show_diff", section=MODE, help="Print a unified diff; write nothing.")
@opt.flag("--write", section=MODE, help="Rewrite the files.")
@opt.flag("--service-env-vars", section=REWRITES,
          help="Rewrite credentials reads to Upsun's service environment variables.")
@opt.flag("--fix-production-check", section=REWRITES,
          help="Rewrite on_production() to test PLATFORM_ENVIRONMENT_TYPE.")
@opt.selection_options(
    "Rewrite and report only these codes (codes or prefixes, comma-separated: UPS121,UPS16).",
    "Neither rewrite nor report these codes (codes or prefixes, comma-separated).",
    source="codemod")
@opt.output_format_option
@opt.debug_option
@click.pass_context
def command(ctx: click.Context, path: Path, check_only: bool, show_diff: bool, write: bool,
            service_env_vars: bool, fix_production_check: bool, select: tuple[str, ...],
            ignore: tuple[str, ...], output_format: str, debug: bool) -> None:
    """Find (and rewrite) Python code that reads Platform.sh settings."""
    mode = _mode(check_only, show_diff, write)
    options = code.CodeOptions(service_env_vars, fix_production_check, select, ignore)
    with annotated_errors(path, output_format):
        done = code.run(path, options, code.relationship_names(path))
    if mode == "diff":
        echo(unified([PlannedFile(c.path, FileAction.MODIFY, c.old.encode(), c.new.encode())
                      for c in done.changes]), nl=False, err=output_format != "text")
    if mode == "write":
        with annotated_errors(path, output_format):
            done = code.write(path, done)
    if output_format == "text" and mode != "diff":
        echo(code.listing(done), nl=False)  # findings, then the summary, on one stream
    else:
        if output_format != "text":
            _print_findings(path, done.findings, [c.path for c in done.changes], mode,
                            output_format)
        echo(code.summary(done), nl=False, err=True)
    if mode != "write" and done.would_change:
        ctx.exit(1)


def _mode(check_only: bool, show_diff: bool, write: bool) -> str:
    """check (the default), diff or write: one of them."""
    given = [name for name, on in (("check", check_only), ("diff", show_diff), ("write", write))
             if on]
    if len(given) > 1:
        raise click.UsageError(f"--{given[0]} cannot go with --{given[1]}")
    return given[0] if given else "check"


def _print_findings(path: Path, findings: tuple[CodeFinding, ...], files: list[str],
                    mode: str, output_format: str) -> None:
    """The codemod's findings as one JSON document or GitHub annotations."""
    if output_format == "json":
        document = {"version": 1, "path": str(path), "mode": mode,
                    "files": files, "findings": [
                        {"code": f.code, "severity": f.severity, "file": f.file, "line": f.line,
                         "column": f.column, "message": f.message, "rewritten": f.rewritten}
                        for f in findings]}
        echo(escape.dumps(document, indent=2))
        return
    for finding in findings:
        echo(github.code_finding(path, finding) if output_format == "github"
             else escape.terminal(str(finding)))
