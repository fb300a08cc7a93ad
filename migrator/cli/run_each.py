"""One repository of a fleet, in a `bulk` worker: planned, written (and with --commit
committed) as `migrate` does it (`run_one`), its reports written under `--report-dir`; or,
with `--check`, only checked. Whatever happens, bugs included, the result is the small
`Outcome` the parent keeps."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from migrator.cli import run_one
from migrator.errors import MigratorError, NothingToMigrate
from migrator.fleet import outcome as kept
from migrator.fleet.outcome import Outcome
from migrator.legacy.walk import has_legacy_files
from migrator.migration import check
from migrator.migration.pipeline import Metadata
from migrator.migration.runner import NO_CONFIGURATION, Options, Status
from migrator.model import Severity
from migrator.report import outputs


class Each(NamedTuple):
    """What every worker is given once, beside Upsun's metadata."""

    options: Options
    check: bool = False  # --check: write nothing, say whether a migration is pending
    with_code: bool = False  # --code
    report_dir: str | None = None  # --report-dir: DIR/<name>.md and .json
    names: dict[str, str] = {}  # each repository's name under the report folder
    roots: tuple[str, ...] = ()  # the folders given: where no link is followed


def outcome(repo: str, each: Each, metadata: Metadata) -> Outcome:
    start = time.perf_counter()
    try:
        if each.check:
            return _check(repo, each, metadata, start)
        return _migrate(repo, each, metadata, start)
    except NothingToMigrate as exc:
        return _nothing(repo, exc, start)
    except MigratorError as exc:
        return kept.failed(repo, exc, start)
    except Exception as exc:  # noqa: BLE001 - a bug must not stop the fleet
        return kept.crashed(repo, exc, start)


def _nothing(repo: str, exc: NothingToMigrate, start: float) -> Outcome:
    """No legacy file at all is skipped; legacy files without an application are a failure."""
    if has_legacy_files(Path(repo)):
        return kept.failed(repo, exc, start)
    return Outcome(repo, Status.SKIPPED, seconds=time.perf_counter() - start,
                   message=NO_CONFIGURATION)


def _migrate(repo: str, each: Each, metadata: Metadata, start: float) -> Outcome:
    path = Path(repo)
    done = run_one.plan(path, each.options, metadata)
    if done.status in (Status.MIGRATED, Status.PLANNED):
        requested = run_one.Requested(each.with_code, *_reports(repo, each))
        done = run_one.write(path, each.options, done, requested, contextlib.nullcontext,
                             each.roots).done
    return kept.kept(repo, done, metadata.registry, start)


def _check(repo: str, each: Each, metadata: Metadata, start: float) -> Outcome:
    """`--check`: PENDING with the files migrating would change, REFUSED on error-level
    findings with --strict, else SKIPPED with the reason (a migrated repository with the
    findings of its `.upsun/`)."""
    checked = check.check(Path(repo), each.options, metadata)
    if checked.run is None and not has_legacy_files(Path(repo)):
        return Outcome(repo, Status.SKIPPED, seconds=time.perf_counter() - start,
                       message=NO_CONFIGURATION)
    found = kept.kept(repo, checked.run, metadata.registry, start) if checked.run else \
        Outcome(repo, Status.SKIPPED, seconds=time.perf_counter() - start)
    if checked.run is not None and checked.run.report is None and checked.findings:
        found = found._replace(codes=kept.finding_codes(checked.findings, ()),
                               errors=sum(f.severity is Severity.ERROR for f in checked.findings),
                               warnings=sum(f.severity is Severity.WARNING
                                            for f in checked.findings))
    if checked.failed:
        return found._replace(status=Status.REFUSED, message=checked.message)
    if checked.pending:
        return found._replace(status=Status.PENDING, message=", ".join(
            f"would {check.VERBS[p.action]} {p.path}" for p in checked.pending))
    return found._replace(status=Status.SKIPPED, message=checked.message)


def _reports(repo: str, each: Each) -> tuple[str | None, str | None]:
    """Where this repository's Markdown and JSON reports go (None, None without
    --report-dir), the folders on the way created."""
    if each.report_dir is None:
        return None, None
    name = PurePosixPath(each.names.get(repo) or os.path.basename(repo))
    folder = outputs.make_folders(Path(each.report_dir), name.parent.parts)
    return str(folder / f"{name.name}.md"), str(folder / f"{name.name}.json")
