"""What `bulk` keeps of one repository: a small value a worker sends back and the parent keeps
for the whole run, so that every line, summary and the fleet overview is computed from it.

Small, so that a fleet of 10,000 repositories fits in memory (tests/test_overview.py measures
it): counts and short tuples, never the report itself. Strings the parent would otherwise hold
once per repository (codes, severities, image types, statuses) are interned on arrival.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from migrator.errors import MigratorError, RefusedError
from migrator.migration.runner import Run, Status
from migrator.migration.upsuntree import load
from migrator.model import Finding
from migrator.report import Report
from migrator.rules.context import scalar_text
from migrator.upsun.registry import Registry
from migrator.where import inside

if TYPE_CHECKING:
    from migrator.codemod.findings import CodeFinding

#: The status of an image version the registry does not list, and of an image it does not know
#: (UPS201 reports both as errors: the schema Upsun validates with refuses them).
NOT_LISTED = "not listed"
UNKNOWN_IMAGE = "unknown image"


class Asked(NamedTuple):
    """What a repository's resource hints ask for, summed over its containers that have one:
    CPU, RAM (MB, as the report computes it from the size and the container profile) and disk
    (MB); `unknown_ram` counts the sized containers whose profile no source gives."""

    containers: int
    cpu: float
    ram: int
    disk: int
    unknown_ram: int = 0


class Outcome(NamedTuple):
    """One repository, as the parent keeps it."""

    repo: str
    status: Status
    changes: int = 0
    warnings: int = 0
    errors: int = 0
    seconds: float = 0.0
    message: str = ""
    codes: tuple[tuple[str, str, int], ...] = ()  # (code, severity, findings), by code
    images: tuple[tuple[str, str], ...] = ()  # (image type, its status on Upsun), by type
    asked: Asked | None = None  # None: no container has a size or disk hint


def kept(repo: str, done: Run, registry: Registry | None, started: float) -> Outcome:
    """A run, as an Outcome: its counts, codes, images and the resources its hints ask for. An
    already migrated repository (no report) has the images its `.upsun/` names."""
    status = _status(done)
    seconds = time.perf_counter() - started
    built = done.report
    if status is Status.REFUSED and done.error is not None:
        built = None  # a dry run previews a refusal: the real run stops there, finding nothing
    if built is None:
        used = migrated_images(Path(repo), registry) if done.status is Status.SKIPPED else ()
        return Outcome(repo, status, seconds=seconds, message=done.message, images=used)
    summary = built.summary
    return Outcome(repo, status, summary["changes"], summary["warnings"], summary["errors"],
                   seconds, done.message, codes(built),
                   images(built.result.types, registry), asked(built))


def _status(done: Run) -> Status:
    """A run that failed on a safety refusal (or --strict) is REFUSED; on its input, FAILED."""
    if done.status is Status.FAILED and (done.error is None
                                         or isinstance(done.error, RefusedError)):
        return Status.REFUSED
    return done.status


def failed(repo: str, exc: MigratorError, started: float) -> Outcome:
    status = Status.REFUSED if isinstance(exc, RefusedError) else Status.FAILED
    return Outcome(repo, status, seconds=time.perf_counter() - started,
                   message=inside(exc, repo))  # the line names the repository already


def crashed(repo: str, exc: Exception, started: float) -> Outcome:
    """A bug: its type, message and the place in the code that raised it."""
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return Outcome(repo, Status.CRASHED, seconds=time.perf_counter() - started,
                   message=f"internal error: {type(exc).__name__}: {exc} "
                           f"({Path(where.filename).name}:{where.lineno})")


def codes(built: Report) -> tuple[tuple[str, str, int], ...]:
    """How many findings of each code and severity the report holds, its code findings too."""
    return finding_codes(built.findings, built.code)


def finding_codes(findings: Iterable[Finding], code: Iterable[CodeFinding]
                  ) -> tuple[tuple[str, str, int], ...]:
    found = Counter((f.code, f.severity.value) for f in findings)
    found.update((f.code, str(f.severity)) for f in code)
    return tuple((name, severity, count) for (name, severity), count in sorted(found.items()))


def images(types: tuple[str, ...], registry: Registry | None) -> tuple[tuple[str, str], ...]:
    """Each image type with its status on Upsun, from the registry; () without one."""
    if registry is None:
        return ()
    return tuple(sorted((type_, status(registry, type_)) for type_ in set(types)))


def status(registry: Registry, type_: str) -> str:
    """The registry's status of an image version (`supported`, `deprecated`, `retired`,
    `decommissioned`), or why it has none."""
    found = registry.lookup(type_)
    if found is not None:
        return found.status
    return NOT_LISTED if registry.known_image(type_) else UNKNOWN_IMAGE


def migrated_images(root: Path, registry: Registry | None) -> tuple[tuple[str, str], ...]:
    """The image types an already migrated repository's `.upsun/` names; () when it cannot be
    read (`validate` says why)."""
    if registry is None or not (root / ".upsun").is_dir():
        return ()

    try:
        checked = load(root)
    except MigratorError:
        return ()
    found = (scalar_text(c.node.get("type")) for c in (*checked.apps, *checked.services))
    return images(tuple(t for t in found if t), registry)


def asked(built: Report) -> Asked | None:
    """The sum of the hints' CPU, RAM and disk over the containers that have a hint."""
    sized = [h for h in built.hints if h.cpu is not None or h.disk is not None]
    if not sized:
        return None
    return Asked(len(sized), round(sum(h.cpu or 0.0 for h in sized), 2),
                 sum(h.ram or 0 for h in sized), sum(h.disk or 0 for h in sized),
                 sum(h.cpu is not None and h.ram is None for h in sized))


def interned(item: Outcome) -> Outcome:
    """The outcome with its repeated strings shared with every other outcome's."""
    if not item.codes and not item.images:
        return item
    return item._replace(
        codes=tuple((sys.intern(c), sys.intern(s), n) for c, s, n in item.codes),
        images=tuple((sys.intern(t), sys.intern(s)) for t, s in item.images))
