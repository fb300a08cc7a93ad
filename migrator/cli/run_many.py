"""Many repositories for `bulk`: which ones (survey, shard), the summary targets proved
writable before any repository is touched, the worker pool, then the summaries written."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from migrator import bulk as fleet
from migrator import outputs, runner, summary
from migrator.cli.printing import echo
from migrator.pipeline import Metadata
from migrator.runner import Options, Outcome


class Selected(NamedTuple):
    repos: list[str]
    links: list[str]  # linked repositories: reported as skipped, never followed
    trees: list[Path]  # untrusted folders: a summary written there follows no link


class Ran(NamedTuple):
    outcomes: list[Outcome]
    left: list[str]  # never started (the run was interrupted)
    interrupted: bool
    seconds: float


def select(roots: tuple[Path, ...], from_file: Path | None,
           shard: tuple[int, int] | None) -> Selected:
    found = fleet.survey(roots, from_file)
    repos, links = found.repos, found.links
    if shard:
        repos, links = fleet.shard(repos, *shard), fleet.shard(links, *shard)
    return Selected(repos, links, [*roots, *map(Path, repos)])


def probe(summaries: list[Path], selected: Selected) -> None:
    """Every summary target proved writable now, before any repository is touched."""
    outputs.probe([str(f) for f in summaries], selected.trees)


def run(selected: Selected, options: Options, metadata: Metadata, jobs: int | None,
        timeout: float, collect: Callable[[Outcome], None],
        on_interrupt: Callable[[], None]) -> Ran:
    """Every selected repository through the worker pool; `collect` sees each outcome as it
    comes (the linked ones first), `on_interrupt` the first Ctrl-C."""
    pool = fleet.Pool(jobs or fleet.default_jobs(), options, metadata, timeout)
    outcomes: list[Outcome] = []

    def record(item: Outcome) -> None:
        outcomes.append(item)
        collect(item)

    start = time.monotonic()
    for link in selected.links:
        record(runner.Outcome(link, runner.Status.SKIPPED, message=fleet.LINKED))
    left = pool.run(selected.repos, record, on_interrupt)
    return Ran(outcomes, left, pool.stopping, time.monotonic() - start)


def write_summaries(ran: Ran, summary_file: Path | None, summary_md: Path | None,
                    selected: Selected) -> None:
    """The summary files asked for, each whole or not at all (`-` is stdout)."""
    if summary_file:
        _write(str(summary_file), summary.machine_summary(ran.outcomes, summary_file), selected)
    if summary_md:
        _write(str(summary_md), summary.markdown_summary(ran.outcomes), selected)


def _write(target: str, text: str, selected: Selected) -> None:
    if outputs.is_stdout(target):
        echo(text, nl=False)
        return
    outputs.write_now(target, text, selected.trees)  # as every report file: whole or not at all
