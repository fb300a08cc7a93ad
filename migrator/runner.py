"""One repository, start to end: the core `migrate` and each `bulk` job share.

`run()` raises MigratorError for the input's faults; `outcome()` turns everything, including
bugs, into a value, as the bulk boundary needs.
"""

from __future__ import annotations

import enum
import time
from pathlib import Path

from migrator.errors import MigratorError
from migrator.model import MigrationResult, Settings, Severity
from migrator.pipeline import Metadata
from migrator.record import Record
from migrator.report import Report


class Status(enum.Enum):
    MIGRATED = "migrated"
    PLANNED = "dry-run"
    SKIPPED = "skipped"
    FAILED = "failed"
    TIMEOUT = "timeout"
    CRASHED = "crashed"


FAILURES = frozenset({Status.FAILED, Status.TIMEOUT, Status.CRASHED})
UP_TO_DATE = "up to date (.upsun/ is what migrating writes)"


class Options(Record):
    dry_run: bool = False
    force: bool = False
    strict: bool = False
    settings: Settings = Settings()
    commit: str | None = None  # the branch to commit on (`--commit`), see gitcommit.py
    verify: bool = True  # with --commit: the commit runs the hooks git commit runs (--no-verify)
    git_filters: bool = False  # with --commit: git may run the repository's filters


class Run(Record):
    status: Status
    message: str = ""
    result: MigrationResult | None = None
    report: Report | None = None
    error: MigratorError | None = None  # FAILED: what to tell the user, with its file and line
    before: str | None = None  # with --commit: where HEAD was before the branch was checked out


def run(path: Path, options: Options, metadata: Metadata) -> Run:
    done = plan(path, options, metadata)
    commit(done, options)
    return done


def plan(path: Path, options: Options, metadata: Metadata) -> Run:
    """Everything but the writing: every refusal the write could meet is raised here (a dry run
    returns it as FAILED, so that it predicts the real run's outcome and exit code)."""
    from migrator import report
    from migrator.discovery import has_legacy_files
    from migrator.pipeline import migrate
    from migrator.writer import check_writable

    if not path.is_dir():
        raise MigratorError("is not a folder", str(path))
    if (path / ".upsun").is_dir() and not has_legacy_files(path):  # the cheap test first
        return Run(Status.SKIPPED, "already migrated (.upsun/ exists and no legacy files remain)")
    if not options.dry_run:
        check_writable(path)
    result = migrate(path, options.settings, metadata)
    refused = options.strict and any(f.severity is Severity.ERROR for f in result.findings)
    built = report.build(result, written=not options.dry_run and not refused,
                         removed_legacy=options.settings.remove_legacy,
                         environment=options.settings.environment)
    try:
        _check(result, options, metadata)  # the same checks, in the same order, dry or not
    except MigratorError as exc:
        if not options.dry_run:
            raise
        error = type(exc)(f"{exc.message} (dry run: the real run would stop here, writing "
                          "nothing)", exc.file, exc.line, exc.column)
        return Run(Status.FAILED, str(error), result, built, error)
    if refused:
        return Run(Status.FAILED, "error-level findings and --strict: nothing written", result,
                   built)
    if not result.files:
        return Run(Status.SKIPPED, UP_TO_DATE, result, built)
    return Run(Status.PLANNED if options.dry_run else Status.MIGRATED, "", result, built)


def _check(result: MigrationResult, options: Options, metadata: Metadata) -> None:
    """What the write would refuse, and the other `.upsun/*.yaml` files against the schema."""
    from migrator.folder import check_beside_schema
    from migrator.writer import check_plan

    check_plan(result, options.force)
    if metadata.schema is not None:
        check_beside_schema(result, metadata.schema)


def commit(done: Run, options: Options) -> None:
    """Write what `plan` planned, when it planned a write."""
    from migrator.writer import write

    if done.status is Status.MIGRATED and done.result is not None:
        write(done.result, options.force)


class Outcome(Record):
    """What bulk keeps of one repository: small, so a fleet of 10,000 fits in memory."""

    repo: str
    status: Status
    changes: int = 0
    warnings: int = 0
    errors: int = 0
    seconds: float = 0.0
    message: str = ""


def outcome(repo: str, options: Options, metadata: Metadata) -> Outcome:
    start = time.perf_counter()
    try:
        if options.commit:
            from migrator import gitcommit

            done = gitcommit.run(Path(repo), options, metadata)
        else:
            done = run(Path(repo), options, metadata)
    except MigratorError as exc:  # the line names the repository: its message does not again
        from migrator.where import inside

        return Outcome(repo, Status.FAILED, seconds=time.perf_counter() - start,
                       message=inside(exc, repo))
    except Exception as exc:  # noqa: BLE001 - a bug must not stop the fleet
        import traceback

        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Outcome(repo, Status.CRASHED, seconds=time.perf_counter() - start,
                       message=f"internal error: {type(exc).__name__}: {exc} "
                               f"({Path(where.filename).name}:{where.lineno})")
    summary = done.report.summary if done.report else {}
    return Outcome(repo, done.status, summary.get("changes", 0), summary.get("warnings", 0),
                   summary.get("errors", 0), time.perf_counter() - start, done.message)
