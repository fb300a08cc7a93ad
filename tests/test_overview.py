"""The fleet overview (issue 25 item 5): every figure comes from the outcomes, which stay small
enough for a fleet of 10,000 repositories."""

from __future__ import annotations

import pickle
import shutil
import time
import tracemalloc
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from migrator.cli.inputs import load_metadata, make_options
from migrator.fleet import outcome, overview
from migrator.fleet.outcome import Asked, Outcome
from migrator.migration.runner import Status, plan
from tests.conftest import REPO

STATUSES = st.sampled_from(list(Status))
CODES = st.lists(st.tuples(st.sampled_from(["UPS003", "UPS090", "UPS201", "UPS013"]),
                           st.sampled_from(["error", "warning", "info"]),
                           st.integers(1, 5)), max_size=4, unique_by=lambda c: c[:2])
IMAGES = st.lists(st.tuples(st.sampled_from(["php:7.4", "php:8.4", "redis:4.0", "x:1"]),
                            st.sampled_from(["supported", "retired", "decommissioned",
                                             "not listed", "unknown image"])),
                  max_size=3, unique_by=lambda i: i[0])
ASKED = st.none() | st.builds(Asked, st.integers(1, 6), st.sampled_from([0.0, 0.5, 1.0, 2.5]),
                              st.integers(0, 4096), st.integers(0, 8192), st.integers(0, 1))
OUTCOMES = st.lists(st.builds(Outcome, st.from_regex(r"work/[a-z]{1,3}/[a-z]{1,3}",
                                                     fullmatch=True),
                              STATUSES, codes=CODES.map(tuple), images=IMAGES.map(tuple),
                              asked=ASKED), max_size=12, unique_by=lambda o: o.repo)


@given(OUTCOMES)
def test_every_figure_is_a_sum_of_the_outcomes(outcomes: list[Outcome]) -> None:
    seen = overview.overview(outcomes)
    for count in seen.codes:
        assert sum(count.findings.values()) == sum(n for o in outcomes for c, _, n in o.codes
                                                   if c == count.code)
        assert count.repositories == sum(any(c == count.code for c, _, _ in o.codes)
                                         for o in outcomes)
    assert sum(use.repositories for use in seen.images) == sum(len(o.images) for o in outcomes)
    asked = [o.asked for o in outcomes if o.asked is not None]
    if asked:
        assert seen.total is not None
        assert seen.total.containers == sum(a.containers for a in asked)
        assert seen.total.ram == sum(a.ram for a in asked)
        assert seen.total.disk == sum(a.disk for a in asked)
        assert abs(seen.total.cpu - sum(a.cpu for a in asked)) < 1e-6
    else:
        assert seen.total is None
    urgency = [overview.URGENCY.index(use.status) for use in seen.images]
    assert urgency == sorted(urgency)  # the least supported first


@given(OUTCOMES)
def test_the_markdown_has_a_row_per_repository_and_the_terminal_lines_fit(
        outcomes: list[Outcome]) -> None:
    text = overview.markdown(outcomes)
    assert text.startswith("# Upsun migration: fleet overview\n\n")
    rows = text.split("## Repositories\n", 1)[1].splitlines()[3:]
    assert len(rows) == len(outcomes)
    for line in overview.terminal(outcomes):
        assert len(line) <= 100 or ", " not in line.strip()


def test_an_outcome_holds_what_its_report_says(tmp_path: Path) -> None:
    """Counts, codes, image statuses and resources, from a real migration of the example."""
    example = tmp_path / "workers"
    shutil.copytree(REPO / "examples" / "workers", example)
    metadata = load_metadata(None, None)
    done = plan(example, make_options(True, False, "storage", False, False, False), metadata)
    kept = outcome.kept(str(example), done, metadata.registry, time.perf_counter())
    assert done.report is not None
    summary = done.report.summary
    assert (kept.status, kept.changes, kept.warnings, kept.errors) == (
        Status.PLANNED, summary["changes"], summary["warnings"], summary["errors"])
    assert sum(n for _, _, n in kept.codes) == len(done.report.findings)
    assert kept.images == (("mariadb:11.4", "supported"), ("python:3.13", "supported"),
                           ("rabbitmq:4.2", "supported"))
    hints = [h for h in done.report.hints if h.cpu is not None or h.disk is not None]
    assert kept.asked == Asked(len(hints), sum(h.cpu or 0 for h in hints),
                               sum(h.ram or 0 for h in hints), sum(h.disk or 0 for h in hints))


def test_ten_thousand_outcomes_stay_small() -> None:
    """What the parent keeps of a fleet of 10,000 repositories, each with five codes, three
    images and resources (more than most), once interned as the parent interns them: well
    under the 300 MB a run may take. And what a worker sends back stays a few hundred bytes."""
    def one(n: int) -> Outcome:
        return Outcome(f"/home/team/work/org-{n % 97}/repository-{n:05d}", Status.MIGRATED, 12,
                       4, 1, 0.0123, "committed 0123abc on upsun-migration",
                       tuple((f"UPS{c:03d}", "warning", 2) for c in (3, 4, 8, 90, 201)),
                       (("php:7.4", "retired"), ("mariadb:10.4", "retired"),
                        ("redis:7.2", "deprecated")), Asked(3, 2.5, 1152, 3584))

    sent = [pickle.dumps(one(n)) for n in range(3)]
    assert max(len(data) for data in sent) < 900
    tracemalloc.start()
    kept = [outcome.interned(pickle.loads(pickle.dumps(one(n)))) for n in range(10_000)]
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(kept) == 10_000
    assert size < 20 * 2**20, size  # 11 MB measured
