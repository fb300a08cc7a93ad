"""bulk: many repositories at once, in worker processes; the parent only schedules and collects.

Each job runs in a long-lived worker (imports paid once); a job that hangs past its timeout
has its worker killed and replaced, a job that crashes its worker is reported, and neither
stops the others. Writes are atomic, so a killed worker never leaves half a file.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from migrator.errors import MigratorError
from migrator.pipeline import Metadata
from migrator.runner import Options, Outcome, Status, outcome

RECYCLE_AFTER = 500  # jobs per worker process, to bound what a long run can accumulate


SKIPPED_DIRS = frozenset({".git", "node_modules", "vendor"})
CONFIG_MARKERS = (".platform.app.yaml", ".platform", ".upsun")


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def is_work_tree(path: Path) -> bool:
    """A git work tree: `.git` is a folder, or a file (linked work trees and submodules)."""
    return _exists(path / ".git")


def is_repository(path: Path) -> bool:
    """A git work tree, or a folder with Platform.sh (or Upsun) configuration at its top."""
    return is_work_tree(path) or any(_exists(path / marker) for marker in CONFIG_MARKERS)


def repositories_under(root: Path) -> list[Path]:
    """The repositories in root, as fleet tools lay them out (`work/<org>/<repo>`, any depth).

    A folder is taken when it is a repository, and then not descended into, so a folder with
    configuration at its top counts only when no parent was taken. `.git`, `node_modules`,
    `vendor` and hidden folders are never entered.
    """
    if is_repository(root):
        return [root]
    found: list[Path] = []
    for folder, dirs, _ in os.walk(root):
        here = Path(folder)
        visible = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        taken = [d for d in visible if is_repository(here / d)]
        found += [here / d for d in taken]
        dirs[:] = [d for d in visible if d not in taken]
    return found


def find_repositories(roots: Iterable[Path], from_file: Path | None = None) -> list[str]:
    """Every repository under each root (and each `--from-file` line); sorted, no duplicates.

    A root that is not a folder is kept as given, so its job reports why it cannot run.
    """
    roots = list(roots)
    if from_file is not None:
        lines = from_file.read_text(encoding="utf-8").splitlines()
        roots += [Path(line.strip()) for line in lines if line.strip() and
                  not line.lstrip().startswith("#")]
    found: set[str] = set()
    for root in roots:
        if not root.is_dir():
            found.add(str(root))
            continue
        under = repositories_under(root)
        if not under:
            raise MigratorError("no repository found: no git work tree and no Platform.sh or "
                                "Upsun configuration at any depth", str(root))
        found.update(str(repo) for repo in under)
    return sorted(found)


def shard(repos: list[str], index: int, count: int) -> list[str]:
    """The index-th (1-based) of count interleaved slices of the stable list."""
    return [repo for position, repo in enumerate(repos) if position % count == index - 1]


def _serve(conn: Connection, options: Options, metadata: Metadata) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    for _ in range(RECYCLE_AFTER):
        try:
            repo = conn.recv()
        except EOFError:
            return
        if repo is None:
            return
        conn.send(outcome(repo, options, metadata))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    done: int = 0
    repo: str | None = None
    started: float = 0.0


class Pool:
    def __init__(self, jobs: int, options: Options, metadata: Metadata, timeout: float) -> None:
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.jobs, self.options, self.metadata, self.timeout = jobs, options, metadata, timeout
        self.workers: list[_Worker] = []
        self.stopping = False

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(  # type: ignore[attr-defined]
            target=_serve, args=(child, self.options, self.metadata), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _retire(self, worker: _Worker, kill: bool = False) -> None:
        if kill:
            worker.process.kill()
        worker.conn.close()
        worker.process.join(timeout=5)
        self.workers.remove(worker)

    def run(self, repos: list[str], on_outcome: Callable[[Outcome], None]) -> list[str]:
        """Process every repo; returns those never started (after a stop)."""
        pending = deque(repos)
        try:
            while pending or any(w.repo for w in self.workers):
                if not self.stopping:
                    self._dispatch(pending)
                self._collect(on_outcome)
                if self.stopping and not any(w.repo for w in self.workers):
                    break
        finally:
            for worker in list(self.workers):
                self._retire(worker, kill=True)
        return list(pending)

    def stop(self) -> None:
        self.stopping = True

    def _dispatch(self, pending: deque[str]) -> None:
        while pending and len([w for w in self.workers if w.repo]) < self.jobs:
            idle = next((w for w in self.workers if w.repo is None), None)
            if idle is None:
                idle = self._start()
                self.workers.append(idle)
            idle.repo, idle.started = pending.popleft(), time.monotonic()
            try:
                idle.conn.send(idle.repo)
            except (BrokenPipeError, OSError):  # a worker that recycled itself
                pending.appendleft(idle.repo)
                self._retire(idle, kill=True)

    def _collect(self, on_outcome: Callable[[Outcome], None]) -> None:
        busy = [w for w in self.workers if w.repo]
        if not busy:
            return
        deadline = min(w.started for w in busy) + self.timeout
        ready = wait([w.conn for w in busy], timeout=max(0.0, deadline - time.monotonic()))
        for worker in busy:
            assert worker.repo is not None
            if worker.conn in ready:
                try:
                    on_outcome(worker.conn.recv())
                except (EOFError, OSError):
                    on_outcome(Outcome(worker.repo, Status.CRASHED, seconds=self._age(worker),
                                       message="internal error: the worker process died"))
                    worker.repo = None
                    self._retire(worker, kill=True)
                    continue
                worker.repo, worker.done = None, worker.done + 1
                if worker.done >= RECYCLE_AFTER:
                    self._retire(worker)
            elif self._age(worker) >= self.timeout:
                on_outcome(Outcome(worker.repo, Status.TIMEOUT, seconds=self._age(worker),
                                   message=f"timed out after {self.timeout:g} s"))
                worker.repo = None
                self._retire(worker, kill=True)

    @staticmethod
    def _age(worker: _Worker) -> float:
        return time.monotonic() - worker.started


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1)
