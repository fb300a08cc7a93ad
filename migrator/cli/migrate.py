"""`upsun-migrator migrate`: one repository, or with --check the CI gate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple

import click

from migrator.cli import options as opt
from migrator.cli.command import Command
from migrator.cli.inputs import load_metadata, make_options
from migrator.cli.printing import (
    annotate_report,
    annotated_errors,
    echo,
    located,
    use_color,
)
from migrator.cli.run_one import Requested, Written, inside, plan, write
from migrator.errors import MigratorError
from migrator.escape import terminal
from migrator.migration import check, runner
from migrator.migration.pipeline import Metadata
from migrator.migration.runner import Options
from migrator.report import Report, diff, github, render, to_json
from migrator.report.outputs import is_stdout
from migrator.where import find_root, in_repository, relocate, shown

GATE = "CI gate"

EPILOG = """\
Examples:

\b
  upsun-migrator migrate --dry-run .
  upsun-migrator migrate --report MIGRATION.md --resources-script resources.sh .
  upsun-migrator migrate --check --diff --output-format github .
  upsun-migrator migrate --remove-legacy --commit --branch upsun .
"""


@click.command(cls=Command, epilog=EPILOG)
@opt.repository_argument()
@opt.migration_options()
@opt.option("--report", "report_file", metavar="FILE", section=opt.OUTPUT,
            help="Also write the report as Markdown.")
@opt.option("--json", "json_file", metavar="FILE", section=opt.OUTPUT,
            help="Also write the report as JSON (`-`: stdout, the text report then goes to "
                 "stderr).")
@opt.option("--resources-script", metavar="FILE", section=opt.OUTPUT,
            help="Write the `upsun resources:set` command as an executable shell script.")
@opt.flag("--code", "with_code", section=opt.OUTPUT,
          help="Also check the Python code (the codemod, in check mode) and report it.")
@opt.output_format_option
@opt.color_option
@opt.flag("--check", "check_only", section=GATE,
          help="Write nothing; list the files migrating would create, change or remove; exit 1 "
               "if there is any, 0 if there is nothing to do.")
@opt.flag("--diff", "show_diff", section=GATE,
          help="With --check (implied): also print the unified diff.")
@opt.commit_options()
@opt.selection_options(
    "Only these rules and checks, and with --code codemod codes (codes or prefixes, "
    "comma-separated: UPS003,UPS2).",
    "Skip these rules and checks (codes or prefixes, comma-separated).")
@opt.debug_option
@click.pass_context
def command(ctx: click.Context, path: Path, dry_run: bool, force: bool, local_mounts: str,
            remove_legacy: bool, upgrade_retired: bool, strict: bool, rename_platform_cli: bool,
            environment: str | None, schema_file: Path | None, registry_file: Path | None,
            report_file: str | None, json_file: str | None, resources_script: str | None,
            with_code: bool, output_format: str, color: str, check_only: bool, show_diff: bool,
            commit: bool, branch: str | None, no_verify: bool, git_filters: bool,
            message_file: Path | None,
            select: tuple[str, ...], ignore: tuple[str, ...], debug: bool) -> None:
    """Write PATH/.upsun/config.yaml from the legacy Platform.sh files of PATH."""
    if commit and (check_only or show_diff):
        raise click.UsageError("--commit cannot go with --check or --diff")
    if check_only or show_diff:
        _refuse_with_check(report_file, json_file, resources_script, with_code)
    branch = opt.commit_branch(commit, branch, dry_run, no_verify, git_filters, message_file)
    path = _repository(path)
    committed_script = inside(path, resources_script) if commit else None  # committed too
    options = make_options(dry_run, force, local_mounts, remove_legacy, upgrade_retired, strict,
                           branch, rename_platform_cli, select, ignore, no_verify, git_filters,
                           environment=environment, resources_script=committed_script,
                           message=opt.commit_template(message_file))
    metadata = load_metadata(schema_file, registry_file)
    shown_as = Shown(output_format, color)
    if check_only or show_diff:
        ctx.exit(_check(path, options, metadata, show_diff, shown_as))
    _migrate(path, options, metadata, Requested(with_code, report_file, json_file,
                                                None if committed_script else resources_script),
             shown_as)


def _refuse_with_check(report_file: str | None, json_file: str | None,
                       resources_script: str | None, with_code: bool) -> None:
    """--check writes nothing and reports pending files: an option it would not use is refused,
    never ignored."""
    given = [name for name, on in (("--report", report_file), ("--json", json_file),
                                   ("--resources-script", resources_script),
                                   ("--code", with_code)) if on]
    if given:
        raise click.UsageError(
            f"{given[0]} cannot go with --check or --diff, which write nothing: run "
            f"`upsun-migrator migrate --dry-run {given[0]}{' FILE' if given[0] != '--code' else ''}"
            "` for the report of what migrating would do")


def _repository(path: Path) -> Path:
    """The repository PATH is in (`where.find_root`); said on stderr when it is not PATH."""
    root = find_root(path)
    if root.marker is not None:
        echo(f"note: {terminal(shown(root.path))} is the repository (it holds {root.marker}); "
             f"{terminal(shown(path))} is inside it", err=True)
    return root.path


class Shown(NamedTuple):
    """How the results are shown: `--output-format` and `--color`."""

    output_format: str
    color: str


def _migrate(path: Path, options: Options, metadata: Metadata, requested: Requested,
             shown_as: Shown) -> None:
    with annotated_errors(path, shown_as.output_format):
        done = plan(path, options, metadata)
    if done.status is runner.Status.SKIPPED:
        echo(f"{terminal(shown(path))}: {terminal(done.message)}", err=True)
        return
    written = write(path, options, done, requested,
                    lambda: annotated_errors(path, shown_as.output_format))
    _print(path, options, written, requested.json_file, shown_as)


def _print(path: Path, options: Options, written: Written, json_file: str | None,
           shown_as: Shown) -> None:
    """The diff (dry run), the report, the outputs on stdout; then the failure, if any."""
    done = written.done
    assert done.report is not None and done.result is not None
    output_format = shown_as.output_format
    text_to_stderr = is_stdout(json_file) or output_format != "text"
    color = use_color(sys.stderr if text_to_stderr else sys.stdout, shown_as.color)
    if options.dry_run:
        echo(diff.unified(done.result.files, color), nl=False, err=text_to_stderr)
    echo(render.terminal(done.report, color=color,
                         where=lambda rel: in_repository(path, rel)),
         nl=False, err=text_to_stderr)
    for output in written.wanted:  # on stdout; with --output-format json/github only the JSON
        if is_stdout(output.target):
            echo(output.text, nl=False, err=output_format != "text" and not output.machine)
    _print_machine(path, done.report, output_format, is_stdout(json_file))
    written.staged.write_descriptors()  # `/dev/stderr`, `/dev/fd/N`: after everything printed
    if done.status is runner.Status.FAILED:  # a dry run the real run would refuse, --strict
        raise relocate(done.error or MigratorError(done.message, str(path)), path)
    if options.commit:
        echo(f"{terminal(shown(path))}: {terminal(done.message)}", err=True)


def _print_machine(path: Path, built: Report, output_format: str, json_printed: bool) -> None:
    """--output-format json (unless --json - printed it already) or github, on stdout."""
    if output_format == "json" and not json_printed:
        echo(to_json(built), nl=False)
    if output_format == "github":
        annotate_report(path, built)


def _check(path: Path, options: Options, metadata: Metadata, show_diff: bool,
           shown_as: Shown) -> int:
    """`migrate --check`: the pending files (one line each), the diff on request; exit code."""
    output_format = shown_as.output_format
    with annotated_errors(path, output_format):
        checked = check.check(path, options, metadata)
    if output_format == "json":
        echo(check.to_json(path, checked), nl=False)
    for line in check.lines(path, checked):
        if output_format == "github":
            line = github.command("error", line, title="upsun-migrator --check")
        echo(line, err=output_format == "json")
    if output_format != "github":
        for finding in checked.findings:
            echo(terminal(str(located(path, finding))), err=output_format == "json")
    elif checked.run is not None and checked.run.report is None:
        for finding in checked.findings:  # a migrated repository: no report to annotate
            echo(github.finding(located(path, finding)))
    if show_diff:
        to_stderr = output_format != "text"
        color = use_color(sys.stderr if to_stderr else sys.stdout, shown_as.color)
        echo(diff.unified(checked.pending, color), nl=False, err=to_stderr)
    if output_format == "github" and checked.run is not None and checked.run.report:
        annotate_report(path, checked.run.report)
    echo(check.summary(path, checked), err=True)
    return checked.exit_code
