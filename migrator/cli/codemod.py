"""`upsun-migrator codemod`: Python code that reads Platform.sh settings, found or rewritten."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import click

from migrator import codemod as code
from migrator import escape, report
from migrator.cli import options as opt
from migrator.cli.command import Command
from migrator.cli.printing import annotated_errors, echo, use_color
from migrator.codemod.findings import CodeFinding
from migrator.model import FileAction, PlannedFile
from migrator.report import github
from migrator.report.diff import unified
from migrator.where import enclosing, in_repository, shown

MODE = "Mode"
REWRITES = "Rewrite"

EPILOG = """\
Examples:

\b
  upsun-migrator codemod .
  upsun-migrator codemod --diff --service-env-vars .
  upsun-migrator codemod --write --select UPS121,UPS16 app
  upsun-migrator codemod app/settings.py app/wsgi.py
"""


@click.command(cls=Command, epilog=EPILOG)
@click.argument("paths", nargs=-1, metavar="[PATH]...",
                type=click.Path(exists=True, readable=False, path_type=Path))
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
@opt.color_option
@opt.debug_option
@click.pass_context
def command(ctx: click.Context, paths: tuple[Path, ...], check_only: bool, show_diff: bool,
            write: bool, service_env_vars: bool, fix_production_check: bool,
            select: tuple[str, ...], ignore: tuple[str, ...], output_format: str, color: str,
            debug: bool) -> None:
    """Find (and rewrite) Python code that reads Platform.sh settings.

    Each PATH is a folder or a Python file (the current folder by default). The relationship
    names come from the repository each is in (its `.upsun/config.yaml`, else its legacy
    files)."""
    mode = _mode(check_only, show_diff, write)
    options = code.CodeOptions(service_env_vars, fix_production_check, select, ignore)
    runs = [_run(root, only, options, mode, output_format)
            for root, only in _repositories(paths or (Path("."),)).items()]
    done = code.CodemodRun(tuple(f for r in runs for f in r.findings),
                           tuple(c for r in runs for c in r.changes), mode == "write")
    if mode == "diff":
        to_stderr = output_format != "text"
        echo(unified([PlannedFile(c.path, FileAction.MODIFY, c.old.encode(), c.new.encode())
                      for c in done.changes],
                     use_color(sys.stderr if to_stderr else sys.stdout, color)),
             nl=False, err=to_stderr)
    if output_format == "text" and mode != "diff":
        echo(code.listing(done), nl=False)  # findings, then the summary, on one stream
    else:
        if output_format != "text":
            _print_findings(paths, done.findings, [c.path for c in done.changes], mode,
                            output_format)
        echo(code.summary(done), nl=False, err=True)
    if mode != "write" and done.would_change:
        ctx.exit(1)


def _repositories(paths: tuple[Path, ...]) -> dict[Path, list[str]]:
    """Each repository the PATHs are in (`where.enclosing`), with the files and folders to
    analyse in it, relative to it and as written (`.`: all of it): a file reached through a
    link is then read only if the link stays inside the repository."""
    found: dict[Path, list[str]] = {}
    for path in paths:
        if not path.is_dir() and path.suffix != ".py":
            raise click.BadParameter(f"{escape.terminal(shown(path))} is neither a folder nor a "
                                     "Python file (.py)", param_hint="'[PATH]...'")
        root = enclosing(path if path.is_dir() else path.parent)
        inner = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
        found.setdefault(root, []).append(Path(inner).as_posix())
    return found


def _run(root: Path, only: list[str], options: code.CodeOptions, mode: str,
         output_format: str) -> code.CodemodRun:
    """One repository: analysed (and written with --write), its files then shown as every
    message shows them."""
    with annotated_errors(root, output_format):
        done = code.run(root, options, code.relationship_names(root),
                        () if "." in only else only)
        if mode == "write":
            done = code.write(root, done)
    return code.CodemodRun(
        tuple(replace(f, file=in_repository(root, f.file)) for f in done.findings),
        tuple(replace(c, path=in_repository(root, c.path)) for c in done.changes),
        done.written)


def _mode(check_only: bool, show_diff: bool, write: bool) -> str:
    """check (the default), diff or write: one of them."""
    given = [name for name, on in (("check", check_only), ("diff", show_diff), ("write", write))
             if on]
    if len(given) > 1:
        raise click.UsageError(f"--{given[0]} cannot go with --{given[1]}")
    return given[0] if given else "check"


def _print_findings(paths: tuple[Path, ...], findings: tuple[CodeFinding, ...],
                    files: list[str], mode: str, output_format: str) -> None:
    """The codemod's findings as one JSON document or GitHub annotations."""
    if output_format == "json":
        echo(report.document(2, paths=[shown(p) for p in paths or (Path("."),)], mode=mode,
                             files=files, findings=[report.code_dict(f) for f in findings]),
             nl=False)
        return
    for finding in findings:
        echo(github.code_finding(finding) if output_format == "github"
             else escape.terminal(str(finding)))
