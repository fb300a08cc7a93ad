"""`upsun-migrator bulk`: many repositories in parallel, with a progress display, the failures
and the fleet overview at the end, and summaries."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from migrator.cli import options as opt
from migrator.cli import run_many
from migrator.cli.command import Command
from migrator.cli.inputs import load_metadata, make_options
from migrator.cli.printing import echo
from migrator.cli.run_each import Each
from migrator.errors import RefusedError
from migrator.escape import dumps
from migrator.fleet import overview, summary
from migrator.fleet.outcome import Outcome
from migrator.legacy.paths import plain_parts
from migrator.migration.pipeline import Metadata
from migrator.migration.runner import FAILURES, Status
from migrator.report import github

FLEET = "Fleet"
GATE = "CI gate"
#: What `migrate` takes and `bulk` refuses, and why (each is accepted, then refused by name).
REFUSED = {
    "report_file": ("--report", "it names one file, and bulk writes a report per repository: "
                                "use --report-dir DIR (DIR/<org>/<repo>.md)"),
    "json_file": ("--json", "it names one file, and bulk writes a report per repository: use "
                            "--report-dir DIR (DIR/<org>/<repo>.json)"),
    "show_diff": ("--diff", "bulk prints a line per repository, not diffs: use `upsun-migrator "
                            "migrate --check --diff REPOSITORY` for one, or --dry-run "
                            "--report-dir DIR for every report"),
}

EPILOG = """\
Examples:

\b
  upsun-migrator bulk work --dry-run --summary plan.csv --summary-md OVERVIEW.md
  upsun-migrator bulk work --commit --report-dir reports --exclude 'archive/*'
  upsun-migrator bulk --from-file repos.txt --jobs 8 --check --output-format github
  upsun-migrator bulk work --shard 2/8 --commit --branch upsun-migration
"""


@click.command(cls=Command, epilog=EPILOG)
@click.argument("roots", nargs=-1, type=click.Path(readable=False, path_type=Path),
                metavar="[ROOT]...")
@opt.option("--from-file", type=opt.file(exists=True), metavar="FILE", section=FLEET,
            help="A file listing more ROOTs, one per line (`#` starts a comment).")
@opt.option("--exclude", multiple=True, metavar="GLOB", section=FLEET,
            help="Leave out the repositories whose path (relative to its ROOT, or as given), "
                 "or a folder on the way, matches GLOB (`*` matches `/` too); repeatable.")
@opt.migration_options()
@opt.option("--jobs", type=click.IntRange(min=1), section=FLEET,
            help="Worker processes (default: CPUs).")
@opt.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, section=FLEET,
            help="Seconds one repository may take (default: 60).")
@opt.option("--shard", type=opt.Shard(), section=FLEET, help="Only the K-th of N slices.")
@opt.option("--summary", "summary_file", type=opt.file(), metavar="FILE", section=FLEET,
            help="A row per repository: JSON lines (.jsonl), a JSON array (.json) or CSV (.csv).")
@opt.option("--summary-md", type=opt.file(), metavar="FILE", section=FLEET,
            help="The fleet overview and a row per repository, as Markdown.")
@opt.option("--report-dir", type=opt.folder(), metavar="DIR", section=opt.OUTPUT,
            help="Write each repository's report to DIR/<path>.md and .json, <path> being the "
                 "repository's path relative to its ROOT (work/acme/shop: DIR/acme/shop.md).")
@opt.option("--resources-script", metavar="NAME", section=opt.OUTPUT,
            help="Write the `upsun resources:set` command as an executable script NAME inside "
                 "each migrated repository (a path relative to it; committed with --commit).")
@opt.flag("--code", "with_code", section=opt.OUTPUT,
          help="Also check each repository's Python code (the codemod, in check mode): in its "
               "report, counts and the overview.")
@opt.option("--output-format", type=click.Choice(["text", "json", "github"]), default="text",
            section=opt.OUTPUT,
            help="The line per repository on stdout: text (default), json (a JSON object per "
                 "line, as --summary .jsonl), github (an annotation per repository that failed "
                 "or has error- or warning-level findings).")
@opt.flag("--check", "check_only", section=GATE,
          help="Write nothing; exit 1 if any repository has a pending migration (or fails).")
@opt.commit_options()
@opt.selection_options("Only these rules and checks (codes or prefixes, comma-separated: "
                       "UPS003,UPS2).",
                       "Skip these rules and checks (codes or prefixes, comma-separated).")
@opt.option("--report", "report_file", hidden=True, section=opt.OTHER)  # refused: REFUSED
@opt.option("--json", "json_file", hidden=True, section=opt.OTHER)
@opt.option("--diff", "show_diff", is_flag=True, hidden=True, section=opt.OTHER)
@opt.debug_option
@click.pass_context
def command(ctx: click.Context, roots: tuple[Path, ...], from_file: Path | None,
            exclude: tuple[str, ...], dry_run: bool, force: bool, local_mounts: str,
            remove_legacy: bool, upgrade_retired: bool, strict: bool, rename_platform_cli: bool,
            environment: str | None, schema_file: Path | None, registry_file: Path | None,
            jobs: int | None, timeout: float, shard: tuple[int, int] | None,
            summary_file: Path | None, summary_md: Path | None, report_dir: Path | None,
            resources_script: str | None, with_code: bool, output_format: str,
            check_only: bool, commit: bool, branch: str | None, no_verify: bool,
            git_filters: bool, message_file: Path | None, select: tuple[str, ...],
            ignore: tuple[str, ...], report_file: str | None, json_file: str | None,
            show_diff: bool, debug: bool) -> None:
    """Migrate many repositories: each ROOT is one, or a folder of them."""
    _refuse(ctx, roots, from_file, summary_file, check_only)
    committing = opt.commit_branch(commit, branch, dry_run, no_verify, git_filters, message_file)
    options = make_options(dry_run, force, local_mounts, remove_legacy, upgrade_retired, strict,
                           committing, rename_platform_cli, select, ignore, no_verify,
                           git_filters, environment, _script(resources_script),
                           opt.commit_template(message_file))
    selected = run_many.select(roots, from_file, shard, exclude)
    run_many.probe([f for f in (summary_file, summary_md) if f is not None], selected)
    if report_dir is not None:
        run_many.prepare_report_dir(report_dir, selected)
    each = Each(options, check_only, with_code, None if report_dir is None else str(report_dir))
    done_as = Status.PENDING if check_only else Status.PLANNED if dry_run else Status.MIGRATED
    ran = _run(selected, each, load_metadata(schema_file, registry_file), jobs, timeout,
               output_format, done_as)
    run_many.write_summaries(ran, summary_file, summary_md, selected)
    ctx.exit(_exit_code(ran))


def _refuse(ctx: click.Context, roots: tuple[Path, ...], from_file: Path | None,
            summary_file: Path | None, check_only: bool) -> None:
    """Usage errors: what is missing, and what has no meaning for a fleet (and why)."""
    if not roots and from_file is None:
        raise click.UsageError("give at least one ROOT or --from-file")
    for name, (option, why) in REFUSED.items():
        if ctx.params[name]:
            raise click.UsageError(f"{option} cannot go with bulk: {why}")
    if summary_file is not None and summary_file.suffix not in (".jsonl", ".json", ".csv"):
        raise click.BadParameter("use a .jsonl, .json or .csv file", param_hint="'--summary'")
    if check_only:
        given = [option for option, name in (("--commit", "commit"), ("--dry-run", "dry_run"),
                                             ("--report-dir", "report_dir"),
                                             ("--resources-script", "resources_script"),
                                             ("--code", "with_code")) if ctx.params[name]]
        if given:
            raise click.UsageError(f"--check writes nothing and checks only the configuration; "
                                   f"it cannot go with {given[0]}")


def _script(name: str | None) -> str | None:
    """`--resources-script NAME`: a plain path inside each repository."""
    if name is None:
        return None
    try:
        plain_parts(name)
    except RefusedError:
        raise click.BadParameter(f"{name!r}: give a path inside each repository, relative to it "
                                 "(no `..`, not absolute)", param_hint="'--resources-script'"
                                 ) from None
    return name


def _run(selected: run_many.Selected, each: Each, metadata: Metadata,
         jobs: int | None, timeout: float, output_format: str,
         done_as: Status) -> run_many.Ran:
    """The pool, with the bar (stdout and stderr on a terminal, text output) or the lines on
    stdout; then the end on stderr: what failed (after a bar), the overview, the totals."""
    bar = sys.stderr if output_format == "text" and sys.stdout.isatty() and \
        sys.stderr.isatty() else None
    progress = summary.Progress(len(selected.repos) + len(selected.links), done_as, bar,
                                None if bar else sys.stdout, SHOW[output_format])
    ran = run_many.run(selected, each, metadata, jobs, timeout, progress, lambda: echo(
        "\ninterrupted: finishing the repositories in progress", err=True))
    progress.finish()
    for text in [*summary.failures(ran.outcomes, listed=bar is not None),
                 *overview.terminal(ran.outcomes), summary.totals(ran.outcomes, ran.seconds)]:
        echo(text, err=True)
    if ran.interrupted:
        echo(f"not processed: {len(ran.left)} repositories", err=True)
    return ran


def _exit_code(ran: run_many.Ran) -> int:
    """130 interrupted; 1 when a repository failed, was refused, or (--check) is pending."""
    if ran.interrupted:
        return 130
    bad = FAILURES | {Status.PENDING}
    return 1 if any(o.status in bad for o in ran.outcomes) else 0


def _json_line(item: Outcome) -> str:
    return dumps(summary.row(item))


def _github_line(item: Outcome) -> str:
    """An annotation for a repository that failed, or has error- or warning-level findings;
    "" (no line) for the others."""
    where = summary.as_shown(item.repo)
    if item.status in FAILURES:
        return github.command("error", f"{where}: {item.status.value}: {item.message}",
                              title="upsun-migrator")
    if item.errors or item.warnings:
        level = "error" if item.errors else "warning"
        return github.command(level, f"{where}: {item.errors} error(s), {item.warnings} "
                                     f"warning(s) in its report", title="upsun-migrator")
    return ""


SHOW = {"text": summary.line, "json": _json_line, "github": _github_line}
