"""Many repositories for `bulk`: which ones (survey, --exclude, shard), the summary targets and
the report folder proved writable before any repository is touched, the worker pool, then the
summaries written."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import NamedTuple

import click

from migrator.cli.printing import echo
from migrator.cli.run_each import Each, outcome
from migrator.fleet import bulk as fleet
from migrator.fleet import overview, summary
from migrator.fleet.outcome import Outcome, interned
from migrator.migration.pipeline import Metadata
from migrator.migration.runner import Status
from migrator.report import outputs

#: The name of the file that proves the report folder writable (created, then removed).
PROBE = ".upsun-migrator-probe"


class Selected(NamedTuple):
    repos: list[str]
    links: list[str]  # linked repositories: reported as skipped, never followed
    trees: list[Path]  # untrusted folders: a summary written there follows no link
    names: dict[str, str]  # each repository's name under --report-dir
    roots: tuple[str, ...]  # the folders given (ROOTs, --from-file lines)


class Ran(NamedTuple):
    outcomes: list[Outcome]
    left: list[str]  # never started (the run was interrupted)
    interrupted: bool
    seconds: float


def select(roots: tuple[Path, ...], from_file: Path | None, shard: tuple[int, int] | None,
           exclude: tuple[str, ...] = ()) -> Selected:
    found = fleet.survey(roots, from_file, exclude)
    repos, links = found.repos, found.links
    if shard:
        repos, links = fleet.shard(repos, *shard), fleet.shard(links, *shard)
    return Selected(repos, links, [*roots, *map(Path, found.roots), *map(Path, repos)],
                    found.names, tuple(found.roots))


def probe(summaries: list[Path], selected: Selected) -> None:
    """Every summary target proved writable now, before any repository is touched."""
    outputs.probe([str(f) for f in summaries], selected.trees)


def prepare_report_dir(report_dir: Path, selected: Selected) -> None:
    """Two repositories may not share a report; the folder is created (each level, no link
    followed below what exists) and proved writable before any repository is touched."""
    seen = Counter(selected.names.get(repo, repo) for repo in selected.repos)
    shared = sorted(name for name, count in seen.items() if count > 1)
    if shared:
        repos = [repo for repo in selected.repos if selected.names.get(repo) == shared[0]]
        raise click.UsageError(f"--report-dir: {' and '.join(repos)} would both write "
                               f"{report_dir / shared[0]}.md; give them as ROOTs of their own "
                               "folders, or run bulk once for each")
    existing = report_dir
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    outputs.probe([str(existing / PROBE)], selected.trees)
    outputs.make_folders(existing, report_dir.relative_to(existing).parts)
    outputs.probe([str(report_dir / PROBE)], selected.trees)


def run(selected: Selected, each: Each, metadata: Metadata, jobs: int | None,
        timeout: float, collect: Callable[[Outcome], None],
        on_interrupt: Callable[[], None]) -> Ran:
    """Every selected repository through the worker pool; `collect` sees each outcome as it
    comes (the linked ones first), `on_interrupt` the first Ctrl-C."""
    each = each._replace(names=selected.names, roots=selected.roots)
    pool = fleet.Pool(jobs or fleet.default_jobs(), partial(outcome, each=each,
                                                            metadata=metadata),
                      metadata, timeout)
    outcomes: list[Outcome] = []

    def record(item: Outcome) -> None:
        outcomes.append(interned(item))
        collect(item)

    start = time.monotonic()
    for link in selected.links:
        record(Outcome(link, Status.SKIPPED, message=fleet.LINKED))
    left = pool.run(selected.repos, record, on_interrupt)
    return Ran(outcomes, left, pool.stopping, time.monotonic() - start)


def write_summaries(ran: Ran, summary_file: Path | None, summary_md: Path | None,
                    selected: Selected) -> None:
    """The summary files asked for, each whole or not at all (`-` is stdout)."""
    if summary_file:
        _write(str(summary_file), summary.machine_summary(ran.outcomes, summary_file), selected)
    if summary_md:
        _write(str(summary_md), overview.markdown(ran.outcomes), selected)


def _write(target: str, text: str, selected: Selected) -> None:
    if outputs.is_stdout(target):
        echo(text, nl=False)
        return
    outputs.write_now(target, text, selected.trees)  # as every report file: whole or not at all
