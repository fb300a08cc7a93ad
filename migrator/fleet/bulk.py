"""bulk: many repositories at once, in worker processes; the parent only schedules and collects.

Each job runs in a long-lived worker (imports paid once); a job that hangs past its timeout
has its worker killed and replaced, a job that crashes its worker is reported, and neither
stops the others. Writes are atomic, so a killed worker never leaves half a file.
"""

from __future__ import annotations

import fnmatch
import multiprocessing
import os
import re
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection, wait
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from migrator.errors import MigratorError
from migrator.fleet.outcome import Outcome
from migrator.migration.pipeline import Metadata, prepare
from migrator.migration.runner import Status

#: What a worker does with one repository: a function that never raises (bugs included, it
#: returns an Outcome), picklable where workers are spawned (a module-level function, or a
#: `functools.partial` of one).
Work = Callable[[str], Outcome]

RECYCLE_AFTER = 500  # jobs per worker process, to bound what a long run can accumulate


SKIPPED_DIRS = frozenset({".git", "node_modules", "vendor"})
#: `.git` (a folder, or a file in linked work trees and submodules), or Platform.sh (or Upsun)
#: configuration at the top
MARKERS = frozenset({".git", ".platform.app.yaml", ".platform", ".upsun"})


def is_repository(path: Path) -> bool:
    """A git work tree, or a folder with Platform.sh (or Upsun) configuration at its top: one
    listing of the folder rather than a lookup of each marker. A folder that may be entered but
    not listed is looked into name by name; one that cannot be looked into at all is none."""
    try:
        return not MARKERS.isdisjoint(os.listdir(path))
    except PermissionError:
        return any(os.path.lexists(os.path.join(path, name)) for name in MARKERS)
    except OSError:
        return False


#: Why a linked folder under a root is not migrated (the per-repository line says it)
LINKED = "a symbolic link; bulk migrates only the folders inside its roots (give the folder it " \
         "names as a ROOT to migrate it)"


class Survey(NamedTuple):
    repos: list[str]
    links: list[str]  # folders under a root that are symbolic links: never followed
    #: each repository and link: its path relative to the ROOT it was found under (the folder's
    #: own name for a ROOT that is one), as `--report-dir` names its reports
    names: dict[str, str] = {}
    roots: list[str] = []  # the folders searched: every ROOT and `--from-file` line


def repositories_under(root: Path) -> tuple[list[Path], list[Path]]:
    """The repositories in root, as fleet tools lay them out (`work/<org>/<repo>`, any depth),
    and the links to folders found on the way.

    A folder is taken when it is a repository, and then not descended into, so a folder with
    configuration at its top counts only when no parent was taken. `.git`, `node_modules`,
    `vendor` and hidden folders are never entered, nor is a link: what it names is outside the
    fleet, or found in its own place.
    """
    if is_repository(root):
        return [root], []
    found: list[Path] = []
    links: list[Path] = []
    for folder, dirs, _ in os.walk(root):
        here = Path(folder)
        visible = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        linked = {d for d in visible if os.path.islink(os.path.join(folder, d))}
        links += [here / d for d in visible if d in linked]
        taken = [d for d in visible if d not in linked and is_repository(here / d)]
        found += [here / d for d in taken]
        dirs[:] = [d for d in visible if d not in taken and d not in linked]
    return found, links


def find_repositories(roots: Iterable[Path], from_file: Path | None = None) -> list[str]:
    """Every repository under each root (and each `--from-file` line); sorted, no duplicates."""
    return survey(roots, from_file).repos


def survey(roots: Iterable[Path], from_file: Path | None = None,
           exclude: tuple[str, ...] = ()) -> Survey:
    """Every repository under each root (and each `--from-file` line), and every link to a
    folder found under a root, less those `exclude` names; each sorted, no duplicates. A
    repository under two roots is named after the first.

    A root that is not a folder is kept as given, so its job reports why it cannot run. A root
    that is a link is the user's choice, and followed.
    """
    roots = list(roots)
    if from_file is not None:
        roots += [Path(entry) for entry in listed(from_file)]
    found: set[str] = set()
    links: set[str] = set()
    names: dict[str, str] = {}
    for root in roots:
        if not root.is_dir():
            found.add(str(root))
            names.setdefault(str(root), own_name(root))
            continue
        under, linked = repositories_under(root)
        if not under and not linked:
            raise MigratorError("no repository found: no git work tree and no Platform.sh or "
                                "Upsun configuration at any depth", str(root))
        for path, kind in [(p, found) for p in under] + [(p, links) for p in linked]:
            name = path.relative_to(root).as_posix() if path != root else own_name(root)
            if not excluded(name, str(path), exclude):
                kind.add(str(path))
                names.setdefault(str(path), name)
    return Survey(sorted(found), sorted(links - found), names,
                  [str(root) for root in roots if root.is_dir()])


def own_name(root: Path) -> str:
    """A ROOT that is itself a repository is named after its folder (`.` after the current
    one)."""
    return os.path.basename(os.path.abspath(root)) or str(root)


def excluded(name: str, shown: str, globs: tuple[str, ...]) -> bool:
    """Whether a glob (`fnmatch`: `*` matches `/` too) matches the repository's path relative to
    its ROOT or its path as given, or a folder on the way of either (`archive` leaves out
    everything under `ROOT/archive/`)."""
    if not globs:
        return False
    for path in (name, shown):
        parts = PurePosixPath(path).parts
        for depth in range(1, len(parts) + 1):
            prefix = str(PurePosixPath(*parts[:depth]))
            if any(fnmatch.fnmatchcase(prefix, glob) for glob in globs):
                return True
    return False


_COMMENT = re.compile(r"(?:^|\s)#.*")


def listed(from_file: Path) -> list[str]:
    """The repositories a `--from-file` list names: one per line, a `#` at the start of a line or
    after a space starts a comment, blank lines and a UTF-8 byte order mark are ignored."""
    try:
        text = from_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MigratorError(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                            str(from_file)) from None
    except OSError as exc:
        raise MigratorError(f"cannot read: {exc.strerror or exc}", str(from_file)) from None
    entries = (_COMMENT.sub("", line).strip() for line in text.splitlines())
    return [entry for entry in entries if entry]


def shard(repos: list[str], index: int, count: int) -> list[str]:
    """The index-th (1-based) of count interleaved slices of the stable list."""
    return [repo for position, repo in enumerate(repos) if position % count == index - 1]


def _serve(conn: Connection, work: Work) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    for _ in range(RECYCLE_AFTER):
        try:
            repo = conn.recv()
        except EOFError:
            return
        if repo is None:
            return
        conn.send(work(repo))


class _Worker:
    """A worker and the repositories sent to it, oldest first: it runs them one at a time, in
    order, so the first is the one in progress and the others have not started."""

    __slots__ = ("process", "conn", "sent", "queue", "started")

    def __init__(self, process: Any, conn: Connection) -> None:
        self.process, self.conn = process, conn
        self.sent = 0  # over its life: a worker serves RECYCLE_AFTER jobs, then exits
        self.queue: deque[str] = deque()
        self.started = 0.0  # when the first of `queue` started


#: Repositories sent ahead to each worker: the next one waits in its pipe, so a worker starts it
#: as soon as it sends an outcome instead of idling through a round trip to the parent.
AHEAD = 2


def _handle_sigint(handler: Any) -> Any:
    """Install a SIGINT handler and return the one it replaces (Python's KeyboardInterrupt when
    that one was not installed from Python); off the main thread, where Python delivers no
    signal, install nothing and return None."""
    try:
        return signal.signal(signal.SIGINT, handler) or signal.default_int_handler
    except ValueError:
        return None


class Pool:
    def __init__(self, jobs: int, work: Work, metadata: Metadata, timeout: float) -> None:
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        if self.context.get_start_method() == "fork":
            prepare(metadata)  # once here: every worker, recycled ones too, inherits it
        self.jobs, self.work, self.timeout = jobs, work, timeout
        self.workers: list[_Worker] = []
        self.stopping = False

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        # not a daemon: a worker may start a process of its own (`--code` runs libcst in one).
        # `run` ends every worker it started, and a worker whose parent is gone ends at the
        # end of its pipe.
        process = self.context.Process(  # type: ignore[attr-defined]
            target=_serve, args=(child, self.work), daemon=False)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _retire(self, worker: _Worker, pending: deque[str], kill: bool = False) -> None:
        """Stop a worker; what it was sent but had not started goes back to the front of
        pending, in order."""
        if kill:
            worker.process.kill()
        worker.conn.close()
        worker.process.join(timeout=5)
        self.workers.remove(worker)
        pending.extendleft(reversed(worker.queue))
        worker.queue.clear()

    def run(self, repos: list[str], on_outcome: Callable[[Outcome], None],
            on_interrupt: Callable[[], None] = lambda: None) -> list[str]:
        """Process every repo; returns those never started. The first Ctrl-C stops sending
        (on_interrupt says so): what the workers were sent finishes and is reported. A second
        one stops at once.

        The first Ctrl-C only sets `stopping` (a handler, not KeyboardInterrupt: an exception
        between receiving an outcome and recording it would lose track of a repository)."""

        def interrupted(_signal: int, _frame: object) -> None:
            if self.stopping:
                raise KeyboardInterrupt
            self.stop()

        previous = _handle_sigint(interrupted)
        pending = deque(repos)
        announced = False
        try:
            while pending or any(w.queue for w in self.workers):
                if not self.stopping:
                    self._dispatch(pending)
                self._collect(pending, on_outcome)
                if self.stopping and not announced:
                    announced = True
                    on_interrupt()
                if self.stopping and not any(w.queue for w in self.workers):
                    break
        finally:
            if previous is not None:
                _handle_sigint(previous)
            for worker in list(self.workers):
                self._retire(worker, pending, kill=True)
        return list(pending)

    def stop(self) -> None:
        """Send nothing more; what the workers were sent finishes (and is reported)."""
        self.stopping = True

    def _dispatch(self, pending: deque[str]) -> None:
        """Each repository to the worker with the fewest waiting (a new worker while fewer than
        `jobs` run and all are busy), until each has AHEAD."""
        while pending and not self.stopping:
            open_ = [w for w in self.workers if w.sent < RECYCLE_AFTER]
            worker = min(open_, key=lambda w: len(w.queue), default=None)
            if (worker is None or worker.queue) and len(self.workers) < self.jobs:
                worker = self._start()
                self.workers.append(worker)
            if worker is None or len(worker.queue) >= AHEAD:
                return
            repo = pending.popleft()
            try:
                worker.conn.send(repo)
            except (BrokenPipeError, OSError):  # the worker died
                pending.appendleft(repo)
                if worker.queue:
                    return  # _collect reports the repository it was running
                self._retire(worker, pending, kill=True)
                continue
            if not worker.queue:
                worker.started = time.monotonic()
            worker.queue.append(repo)
            worker.sent += 1

    def _collect(self, pending: deque[str], on_outcome: Callable[[Outcome], None]) -> None:
        busy = [w for w in self.workers if w.queue]
        if not busy:
            return
        deadline = min(w.started for w in busy) + self.timeout
        ready = wait([w.conn for w in busy], timeout=max(0.0, deadline - time.monotonic()))
        for worker in busy:
            repo = worker.queue[0]
            if worker.conn in ready:
                try:
                    on_outcome(worker.conn.recv())
                except (EOFError, OSError):
                    on_outcome(Outcome(repo, Status.CRASHED, seconds=self._age(worker),
                                       message="internal error: the worker process died"))
                    worker.queue.popleft()
                    self._retire(worker, pending, kill=True)
                    continue
                worker.queue.popleft()
                worker.started = time.monotonic()  # the next one, if any, starts now
                if worker.sent >= RECYCLE_AFTER and not worker.queue:
                    self._retire(worker, pending)  # it served its jobs and exits
            elif self._age(worker) >= self.timeout:
                on_outcome(Outcome(repo, Status.TIMEOUT, seconds=self._age(worker),
                                   message=f"timed out after {self.timeout:g} s"))
                worker.queue.popleft()
                self._retire(worker, pending, kill=True)

    @staticmethod
    def _age(worker: _Worker) -> float:
        return time.monotonic() - worker.started


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1)
