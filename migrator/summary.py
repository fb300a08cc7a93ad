"""bulk's outputs: the live progress (bar or lines) and the summary files (JSON lines, CSV,
Markdown). A repository's folder name and its message are text from the repository: each goes
through the `escape` function of the place it is shown."""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from pathlib import Path

from migrator import escape
from migrator.runner import FAILURES, Outcome, Status

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

FIELDS = ("repo", "status", "changes", "warnings", "errors", "seconds", "message")


class Progress:
    """A one-line bar with counts and ETA on a terminal; otherwise one line per repository."""

    def __init__(self, total: int, lines: TextIO, bar: TextIO | None) -> None:
        self.total, self.lines, self.bar = total, lines, bar
        self.counts: Counter[Status] = Counter()
        self.start = time.monotonic()

    @property
    def done(self) -> int:
        return sum(self.counts.values())

    def __call__(self, item: Outcome) -> None:
        self.counts[item.status] += 1
        if self.bar is None:
            detail = item.message or f"{item.changes} change(s), {item.warnings} warning(s), " \
                                     f"{item.errors} error(s)"
            self.lines.write(f"{item.status.value:<8} {escape.terminal(item.repo)}: "
                             f"{escape.terminal(detail)}\n")
            self.lines.flush()
            return
        self.bar.write("\r" + self.line() + "\033[K")
        self.bar.flush()

    def line(self) -> str:
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        return (f"[{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total} "
                f"migrated {self.counts[Status.MIGRATED] + self.counts[Status.PLANNED]} "
                f"skipped {self.counts[Status.SKIPPED]} "
                f"failed {sum(self.counts[s] for s in FAILURES)} ETA {eta:.0f}s")

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.write("\n")


def totals(outcomes: list[Outcome], elapsed: float) -> str:
    counts = Counter(o.status.value for o in outcomes)
    parts = ", ".join(f"{counts[s.value]} {s.value}" for s in Status if counts[s.value])
    rate = len(outcomes) / elapsed if elapsed > 0 else 0.0
    return f"{len(outcomes)} repositories in {elapsed:.1f} s ({rate:.1f}/s): {parts or 'none'}"


def _row(item: Outcome) -> dict[str, object]:
    return {"repo": item.repo, "status": item.status.value, "changes": item.changes,
            "warnings": item.warnings, "errors": item.errors,
            "seconds": round(item.seconds, 3), "message": item.message}


def machine_summary(outcomes: list[Outcome], path: Path) -> str:
    """JSON lines for `.jsonl`/`.json` (`escape.dumps`), CSV for `.csv` (each text cell an
    `escape.csv_cell`: one line, never a spreadsheet formula)."""
    rows = [_row(o) for o in sorted(outcomes, key=lambda o: o.repo)]
    if path.suffix == ".csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({key: escape.csv_cell(value) if isinstance(value, str) else value
                          for key, value in row.items()} for row in rows)
        return out.getvalue()
    return "".join(escape.dumps(row) + "\n" for row in rows)


def markdown_summary(outcomes: list[Outcome]) -> str:
    lines = ["# Upsun migration: fleet summary", "",
             "| repository | status | changes | warnings | errors | message |",
             "|---|---|---|---|---|---|"]
    for o in sorted(outcomes, key=lambda o: o.repo):
        lines.append(f"| {escape.md_code(o.repo, table=True)} | {o.status.value} | {o.changes} | "
                     f"{o.warnings} | {o.errors} | {escape.md_message(o.message, table=True)} |")
    counts = Counter(o.status.value for o in outcomes)
    lines += ["", ", ".join(f"{counts[s.value]} {s.value}" for s in Status if counts[s.value])
              or "no repositories"]
    return "\n".join(lines) + "\n"
