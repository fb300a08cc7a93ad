"""`upsun-migrator bulk`: many repositories in parallel, with a progress display and summaries."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from migrator import summary
from migrator.cli import options as opt
from migrator.cli import run_many
from migrator.cli.command import Command
from migrator.cli.inputs import load_metadata, make_options
from migrator.cli.printing import echo
from migrator.runner import FAILURES

FLEET = "Fleet"

EPILOG = """\
Examples:

\b
  upsun-migrator bulk work --dry-run --summary plan.csv
  upsun-migrator bulk --from-file repos.txt --jobs 8 --summary-md SUMMARY.md
  upsun-migrator bulk work --shard 2/8 --commit --branch upsun-migration
"""


@click.command(cls=Command, epilog=EPILOG)
@click.argument("roots", nargs=-1, type=click.Path(readable=False, path_type=Path),
                metavar="[ROOT]...")
@opt.option("--from-file", type=opt.file(exists=True), metavar="FILE", section=FLEET,
            help="A file listing repositories, one per line.")
@opt.migration_options()
@opt.option("--jobs", type=click.IntRange(min=1), section=FLEET,
            help="Worker processes (default: CPUs).")
@opt.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, section=FLEET,
            help="Seconds one repository may take (default: 60).")
@opt.option("--shard", type=opt.Shard(), section=FLEET, help="Only the K-th of N slices.")
@opt.option("--summary", "summary_file", type=opt.file(), metavar="FILE", section=FLEET,
            help="Summary per repository: JSON lines (.jsonl) or CSV (.csv).")
@opt.option("--summary-md", type=opt.file(), metavar="FILE", section=FLEET,
            help="Summary per repository as a Markdown table.")
@opt.commit_options()
@opt.debug_option
@click.pass_context
def command(ctx: click.Context, roots: tuple[Path, ...], from_file: Path | None, dry_run: bool,
            force: bool, local_mounts: str, remove_legacy: bool, upgrade_retired: bool,
            strict: bool, rename_platform_cli: bool, environment: str | None,
            schema_file: Path | None, registry_file: Path | None, jobs: int | None,
            timeout: float, shard: tuple[int, int] | None, summary_file: Path | None,
            summary_md: Path | None, commit: bool, branch: str | None, no_verify: bool,
            git_filters: bool, debug: bool) -> None:
    """Migrate many repositories: each ROOT is one, or a folder of them."""
    if not roots and from_file is None:
        raise click.UsageError("give at least one ROOT or --from-file")
    if summary_file is not None and summary_file.suffix not in (".jsonl", ".json", ".csv"):
        raise click.BadParameter("use a .jsonl or .csv file", param_hint="'--summary'")
    committing = opt.commit_branch(commit, branch, dry_run, no_verify, git_filters)
    selected = run_many.select(roots, from_file, shard)
    run_many.probe([f for f in (summary_file, summary_md) if f is not None], selected)
    options = make_options(dry_run, force, local_mounts, remove_legacy, upgrade_retired, strict,
                           committing, rename_platform_cli, no_verify=no_verify,
                           git_filters=git_filters, environment=environment)
    progress = summary.Progress(len(selected.repos) + len(selected.links), sys.stdout,
                                sys.stderr if sys.stderr.isatty() else None)
    ran = run_many.run(selected, options, load_metadata(schema_file, registry_file), jobs,
                       timeout, progress, lambda: echo(
                           "\ninterrupted: finishing the repositories in progress", err=True))
    progress.finish()
    run_many.write_summaries(ran, summary_file, summary_md, selected)
    echo(summary.totals(ran.outcomes, ran.seconds), err=True)
    if ran.interrupted:
        echo(f"not processed: {len(ran.left)} repositories", err=True)
        ctx.exit(130)
    if any(o.status in FAILURES for o in ran.outcomes):
        ctx.exit(1)
