"""`migrate --check`: would migrating change anything? Computes the migration, writes nothing.

Pending means: `migrate` with the same options (and `--force`) would create, change or remove
at least one file, that is, legacy configuration has not been migrated yet, or the existing
`.upsun/` differs from what migrating writes. A repository already migrated (`.upsun/` and no
legacy files) or holding no configuration at all has nothing to do; an already migrated one is
still checked against the image registry, as `validate` checks it (UPS201-UPS203), so that a
version decommissioned after the migration fails `--strict`.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import NamedTuple

from migrator import report
from migrator.errors import NothingToMigrate
from migrator.escape import terminal
from migrator.legacy.model import UPSUN_CONFIG
from migrator.migration import runner
from migrator.migration.pipeline import Metadata
from migrator.migration.upsuntree import registry_findings
from migrator.model import FileAction, Finding, PlannedFile, Severity
from migrator.where import in_repository, shown

#: `--check --strict` with error-level findings (the check writes nothing in any case)
STRICT = "error-level findings and --strict"
VERBS = {FileAction.CREATE: "create", FileAction.MODIFY: "update", FileAction.DELETE: "remove"}


class Check(NamedTuple):
    pending: tuple[PlannedFile, ...]
    message: str  # why nothing is pending, or why the check failed
    failed: bool = False  # --strict and error-level findings
    run: runner.Run | None = None
    findings: tuple[Finding, ...] = ()  # what to show beside the pending files

    @property
    def exit_code(self) -> int:
        return 1 if self.pending or self.failed else 0


def check(path: Path, options: runner.Options, metadata: Metadata) -> Check:
    """Raises MigratorError for input that cannot be migrated (bad YAML, ...)."""
    try:
        done = runner.run(path, options._replace(dry_run=True, force=True), metadata)
    except NothingToMigrate:
        return Check((), "nothing to migrate (no legacy Platform.sh configuration)")
    if done.result is None:
        return _migrated(path, options, metadata, done)
    errors = tuple(f for f in done.result.findings if f.severity is Severity.ERROR)
    if done.status is runner.Status.SKIPPED:  # up to date: .upsun/ is what migrating writes
        return Check((), done.message, run=done, findings=errors)
    if done.status is runner.Status.FAILED:
        message = STRICT if done.message == runner.STRICT else done.message
        return Check(done.result.files, message, failed=True, run=done, findings=errors)
    return Check(done.result.files, "", run=done, findings=errors)


def _migrated(path: Path, options: runner.Options, metadata: Metadata,
              done: runner.Run) -> Check:
    """An already migrated repository: nothing pending; its `.upsun/` against the registry."""
    if metadata.registry is None or done.status is not runner.Status.SKIPPED:
        return Check((), done.message, run=done)

    findings = tuple(registry_findings(path, metadata.registry))
    errors = sum(f.severity is Severity.ERROR for f in findings)
    if options.strict and errors:
        return Check((), f"{done.message}; {errors} error-level finding(s) in .upsun/ and "
                         "--strict", failed=True, run=done, findings=findings)
    return Check((), done.message, run=done, findings=findings)


def lines(path: Path, checked: Check) -> list[str]:
    """`would create PATH/.upsun/config.yaml`: one line per file, each path as every message
    shows it (`where.in_repository`)."""
    return [f"would {VERBS[p.action]} {terminal(in_repository(path, p.path))}"
            for p in checked.pending]


def summary(path: Path, checked: Check) -> str:
    """The last line: why nothing is pending, or what to run. For a `.upsun/config.yaml` that
    is there and differs from what migrating writes (edited by hand, or its legacy files
    changed since), the line points at `--diff`, never at `--force`, which would throw away
    whatever differs."""
    shown_path = terminal(shown(path))
    if not checked.pending or checked.failed:
        return f"{shown_path}: {terminal(checked.message)}"
    pending = f"{shown_path}: {len(checked.pending)} file(s) would change"
    target = "" if shown(path) == "." else f" {terminal(shlex.quote(shown(path)))}"
    if any(p.path == UPSUN_CONFIG and p.action is FileAction.MODIFY for p in checked.pending):
        return (f"{pending}; {UPSUN_CONFIG} differs from what migrating writes: "
                f"`upsun-migrator migrate --check --diff{target}` shows how (replacing it "
                "would lose what differs)")
    remove = " --remove-legacy" if any(p.action is FileAction.DELETE
                                       for p in checked.pending) else ""
    return f"{pending}; run `upsun-migrator migrate{remove}{target}` to migrate"


def to_json(path: Path, checked: Check) -> str:
    """The check as one document; every path in it as the text shows it."""
    return report.document(
        1, path=shown(path),
        pending=[{"path": in_repository(path, p.path), "action": p.action.value}
                 for p in checked.pending],
        failed=checked.failed, message=summary(path, checked),
        findings=[report.finding_dict(f, in_repository(path, f.location.file))
                  for f in checked.findings])
