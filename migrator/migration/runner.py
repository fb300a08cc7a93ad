"""One repository, start to end: the core `migrate` and each `bulk` job share.

`run()` raises MigratorError for the input's faults; `migrator.fleet.outcome` turns a run, a known
failure or a bug into the small value a `bulk` worker sends back.
"""

from __future__ import annotations

import enum
import os
import stat
from pathlib import Path
from typing import NamedTuple

from migrator import report
from migrator.errors import MigratorError
from migrator.legacy import paths
from migrator.legacy.walk import has_legacy_files
from migrator.migration import pipeline
from migrator.migration.pipeline import Metadata
from migrator.migration.writer import refuse_unsafe_plan, refuse_unwritable, write
from migrator.model import FileAction, MigrationResult, PlannedFile, Settings, Severity
from migrator.report import Report, render
from migrator.upsun.folder import refuse_invalid_beside


class Status(enum.Enum):
    """What became of a repository. A `Run` is MIGRATED, PLANNED, SKIPPED or FAILED; the others
    are `bulk`'s: PENDING (`--check`), REFUSED (a safety refusal or `--strict`), TIMEOUT,
    CRASHED."""

    MIGRATED = "migrated"
    PLANNED = "dry-run"
    PENDING = "pending"
    SKIPPED = "skipped"
    REFUSED = "refused"
    FAILED = "failed"
    TIMEOUT = "timeout"
    CRASHED = "crashed"


FAILURES = frozenset({Status.REFUSED, Status.FAILED, Status.TIMEOUT, Status.CRASHED})
UP_TO_DATE = "up to date (.upsun/ is what migrating writes)"
ALREADY_MIGRATED = "already migrated (.upsun/ exists and no legacy files remain)"
#: A repository holding no legacy file at all (`bulk` skips it, as `migrate --check` does)
NO_CONFIGURATION = "no Platform.sh configuration"
STRICT = "error-level findings and --strict: nothing written"


class Options(NamedTuple):
    dry_run: bool = False
    force: bool = False
    strict: bool = False
    settings: Settings = Settings()
    commit: str | None = None  # the branch to commit on (`--commit`), see gitcommit.py
    verify: bool = True  # with --commit: the commit runs the hooks git commit runs (--no-verify)
    git_filters: bool = False  # with --commit: git may run the repository's filters
    resources_script: str | None = None  # written into the repository with the migration
    message: str | None = None  # with --commit: the commit message template (gitcommit.py)


class Run(NamedTuple):
    status: Status
    message: str = ""
    result: MigrationResult | None = None
    report: Report | None = None
    error: MigratorError | None = None  # FAILED: what to tell the user, with its file and line
    before: str | None = None  # with --commit: where HEAD was before the branch was checked out


def run(path: Path, options: Options, metadata: Metadata) -> Run:
    done = plan(path, options, metadata)
    write_planned(done, options)
    return done


def plan(path: Path, options: Options, metadata: Metadata) -> Run:
    """Everything but the writing: every refusal the write could meet is raised here (a dry run
    returns it as FAILED, so that it predicts the real run's outcome and exit code)."""
    if not path.is_dir():
        raise MigratorError("is not a folder", str(path))
    if (path / ".upsun").is_dir() and not has_legacy_files(path):  # the cheap test first
        return Run(Status.SKIPPED, ALREADY_MIGRATED)
    if not options.dry_run:
        refuse_unwritable(path)
    result = pipeline.migrate(path, options.settings, metadata)
    refused = options.strict and any(f.severity is Severity.ERROR for f in result.findings)
    built = report.build(result, written=not options.dry_run and not refused,
                         removed_legacy=options.settings.remove_legacy,
                         environment=options.settings.environment)
    if options.resources_script and result.files:
        built = _with_script(built, options.resources_script)
        result = built.result
    try:
        _refuse(result, options, metadata)  # the same refusals, in the same order, dry or not
    except MigratorError as exc:
        if not options.dry_run:
            raise
        error = type(exc)(f"{exc.message} (dry run: the real run would stop here, writing "
                          "nothing)", exc.file, exc.line, exc.column)
        return Run(Status.FAILED, str(error), result, built, error)
    if refused:
        return Run(Status.FAILED, STRICT, result, built)
    if not result.files:
        return Run(Status.SKIPPED, UP_TO_DATE, result, built)
    return Run(Status.PLANNED if options.dry_run else Status.MIGRATED, "", result, built)


def _refuse(result: MigrationResult, options: Options, metadata: Metadata) -> None:
    """What the write would refuse, and the other `.upsun/*.yaml` files against the schema."""
    refuse_unsafe_plan(result, options.force)
    if metadata.schema is not None:
        refuse_invalid_beside(result, metadata.schema)


def write_planned(done: Run, options: Options) -> None:
    """Write what `plan` planned, when it planned a write."""
    if done.status is Status.MIGRATED and done.result is not None:
        write(done.result, options.force)


def _with_script(built: Report, rel: str) -> Report:
    """The report with the resources script as one more file the migration writes, at `rel` in
    the repository (`bulk --resources-script`; `migrate --commit` with the script inside the
    repository): checked, shown in the diff, written, committed and put back on a failure as
    every planned file is. Executable by whoever may read it."""
    result = built.result
    old = paths.current(result.root, rel)
    new = render.resources_script(built).encode("utf-8")
    try:
        mode = os.lstat(result.root / rel).st_mode
        keep = stat.S_IMODE(mode) if stat.S_ISREG(mode) else 0o644
    except OSError:
        keep = 0o644
    keep |= (keep & 0o444) >> 2
    if old == new and old is not None:
        return built
    action = FileAction.CREATE if old is None else FileAction.MODIFY
    files = (*result.files, PlannedFile(rel, action, old, new, mode=keep))
    return built._replace(result=result._replace(files=files))
