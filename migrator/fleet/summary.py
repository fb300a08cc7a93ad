"""bulk's outputs per repository: the live progress (a bar, or a line per repository), the list
of what failed at the end, and the summary files (JSON lines, a JSON array, CSV). A repository's
path and its message are text from the repository: each goes through the `escape` function of
the place it is shown, and the path through `as_shown`, the one place that decides how a
repository's path is written."""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from migrator import escape
from migrator.fleet.outcome import Outcome
from migrator.migration.runner import FAILURES, Status

FIELDS = ("repo", "status", "changes", "warnings", "errors", "seconds", "message")
#: The order statuses are counted and listed in.
ORDER = (Status.MIGRATED, Status.PLANNED, Status.PENDING, Status.SKIPPED, Status.REFUSED,
         Status.FAILED, Status.TIMEOUT, Status.CRASHED)
#: How the bar names the repositories that are done, for a run, a dry run and `--check`.
DONE = {Status.MIGRATED: "migrated", Status.PLANNED: "would migrate", Status.PENDING: "pending"}


def as_shown(repo: str) -> str:
    """A repository's path as every output writes it (each escapes it for its place)."""
    return repo


def line(item: Outcome) -> str:
    """`failed   work/acme/x: .platform.app.yaml:3:1: ...`: one line for a terminal or a log."""
    detail = item.message or f"{item.changes} change(s), {item.warnings} warning(s), " \
                             f"{item.errors} error(s)"
    return f"{item.status.value:<8} {escape.terminal(as_shown(item.repo))}: " \
           f"{escape.terminal(detail)}"


class Progress:
    """A one-line bar with counts and ETA (`bar`, on a terminal), or a line per repository
    (`show`, to `lines`, as each repository is done; `show` returning "" prints nothing)."""

    def __init__(self, total: int, done_as: Status, bar: TextIO | None,
                 lines: TextIO | None, show: Callable[[Outcome], str] = line) -> None:
        self.total, self.done_as, self.bar, self.lines, self.show = total, done_as, bar, \
            lines, show
        self.counts: Counter[Status] = Counter()
        self.start = time.monotonic()

    @property
    def done(self) -> int:
        return sum(self.counts.values())

    def __call__(self, item: Outcome) -> None:
        self.counts[item.status] += 1
        if self.lines is not None:
            text = self.show(item)
            if text:
                self.lines.write(text + "\n")
                self.lines.flush()
        if self.bar is not None:
            self.bar.write("\r" + self.line() + "\033[K")
            self.bar.flush()

    def line(self) -> str:
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        return (f"[{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total} "
                f"{DONE[self.done_as]} {self.counts[self.done_as]} "
                f"skipped {self.counts[Status.SKIPPED]} "
                f"refused {self.counts[Status.REFUSED]} "
                f"failed {sum(self.counts[s] for s in FAILURES - {Status.REFUSED})} "
                f"ETA {eta:.0f}s")

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.write("\n")


def failures(outcomes: list[Outcome], listed: bool) -> list[str]:
    """With `listed` (after a bar: the lines were not shown), every repository that was
    refused or failed (timed out, crashed), with its one-line reason; then how many have
    error-level findings."""
    failed = sorted((o for o in outcomes if o.status in FAILURES),
                    key=lambda o: (ORDER.index(o.status), o.repo))
    shown = [f"Not migrated ({len(failed)}):", *(f"  {line(o)}" for o in failed)] \
        if failed and listed else []
    with_errors = sum(o.errors > 0 for o in outcomes)
    if with_errors:
        shown.append(f"{with_errors} {'repository' if with_errors == 1 else 'repositories'} "
                     "with error-level findings")
    return shown


def counts(outcomes: list[Outcome]) -> str:
    """`3 migrated, 1 skipped, 2 failed`, in the order of ORDER."""
    found = Counter(o.status for o in outcomes)
    return ", ".join(f"{found[s]} {s.value}" for s in ORDER if found[s])


def totals(outcomes: list[Outcome], elapsed: float) -> str:
    rate = len(outcomes) / elapsed if elapsed > 0 else 0.0
    return (f"{len(outcomes)} repositories in {elapsed:.1f} s ({rate:.1f}/s): "
            f"{counts(outcomes) or 'none'}")


def row(item: Outcome) -> dict[str, object]:
    return {"repo": as_shown(item.repo), "status": item.status.value, "changes": item.changes,
            "warnings": item.warnings, "errors": item.errors,
            "seconds": round(item.seconds, 3), "message": item.message}


def machine_summary(outcomes: list[Outcome], path: Path) -> str:
    """JSON lines for `.jsonl`, one JSON array for `.json` (`escape.dumps`), CSV for `.csv`
    (each text cell an `escape.csv_cell`: one line, never a spreadsheet formula)."""
    rows = [row(o) for o in sorted(outcomes, key=lambda o: o.repo)]
    if path.suffix == ".csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({key: escape.csv_cell(value) if isinstance(value, str) else value
                          for key, value in row.items()} for row in rows)
        return out.getvalue()
    if path.suffix == ".json":
        return escape.dumps(rows, indent=2) + "\n"
    return "".join(escape.dumps(row) + "\n" for row in rows)
