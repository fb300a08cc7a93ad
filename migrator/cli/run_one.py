"""One repository for `migrate`: planned, then written in this order: the report files staged
beside their targets, the repository written (and committed with --commit), the report files
put in place. Plain runs go through `runner`, --commit runs through `gitcommit`."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import NamedTuple

from migrator import report
from migrator.migration import runner
from migrator.migration.pipeline import Metadata
from migrator.migration.runner import Options, Run
from migrator.model import MigrationResult
from migrator.report import Report, outputs, render
from migrator.report.outputs import Output, Staged


class Requested(NamedTuple):
    """What `migrate` was asked for beside the repository (a target `-` is stdout)."""

    with_code: bool = False
    report_file: str | None = None
    json_file: str | None = None
    resources_script: str | None = None


class Written(NamedTuple):
    done: Run
    wanted: list[Output]  # every report output asked for; those on stdout are the caller's
    staged: Staged  # published; its descriptor outputs are written after what the run prints


def inside(path: Path, target: str | None) -> str | None:
    """A file target inside the repository at `path`, as a path relative to it (with --commit,
    the resources script is then written and committed with the migration); None for a target
    elsewhere, or on a descriptor."""
    if target is None or outputs.descriptor(target) is not None:
        return None
    rel = os.path.relpath(os.path.abspath(target), os.path.abspath(path))
    return None if rel == os.curdir or rel.split(os.sep)[0] == os.pardir else \
        Path(rel).as_posix()


def plan(path: Path, options: Options, metadata: Metadata) -> Run:
    """Everything but the writing (with --commit: on a clean work tree, the branch checked out)."""
    if options.commit:
        from migrator.fleet import gitcommit  # git: only with --commit

        return gitcommit.plan(path, options, metadata)
    return runner.plan(path, options, metadata)


def write(path: Path, options: Options, done: Run, requested: Requested,
          guard: Callable[[], AbstractContextManager[None]],
          trees: tuple[str, ...] = ()) -> Written:
    """The planned run's outputs staged, then the repository (inside `guard`), then the
    outputs published: every output is on disk before the repository changes. `trees`: more
    folders where no link is followed (`bulk`'s roots)."""
    built, result = done.report, done.result
    assert built is not None and result is not None
    try:  # with --commit the branch is checked out: a failure before the write goes back
        if requested.with_code:
            built = _with_code(path, options, built)
            done = done._replace(report=built)
        wanted = _outputs(built, requested)
        files = [o for o in wanted if not outputs.is_stdout(o.target)]
        staged = outputs.stage(files, _protected(result) if files else set(),
                               (path, *map(Path, trees)))
    except BaseException as exc:
        _abandon(path, options, done, exc)
        raise
    try:  # the repository last: every output is already on disk
        with guard():
            done = _finish(path, options, done)
    except BaseException:
        staged.discard()
        raise
    staged.publish()
    return Written(done, wanted, staged)


def _with_code(path: Path, options: Options, built: Report) -> Report:
    """The report with the codemod's findings (check mode), under the same selection."""
    from migrator import codemod  # libcst: only with --code

    checked = codemod.run(path, codemod.CodeOptions(select=options.settings.select,
                                                    ignore=options.settings.ignore),
                          codemod.relationship_names(path))
    return built._replace(code=checked.findings)


def _outputs(built: Report, requested: Requested) -> list[Output]:
    """The report files asked for, in this order."""
    wanted = [
        Output(requested.report_file, render.markdown(built)) if requested.report_file else None,
        Output(requested.json_file, report.to_json(built), machine=True)
        if requested.json_file else None,
        Output(requested.resources_script, render.resources_script(built), executable=True)
        if requested.resources_script else None]
    return [output for output in wanted if output is not None]


def _protected(result: MigrationResult) -> set[Path]:
    """Files a report must never replace: those the migration reads, writes or removes."""
    paths = [p.path for p in result.files] + list(result.legacy_files)
    return {(result.root / rel).resolve() for rel in paths}


def _abandon(path: Path, options: Options, done: Run, exc: BaseException) -> None:
    """A failure between planning and writing: with --commit, HEAD goes back where it was."""
    if options.commit and done.before is not None:
        from migrator.fleet import gitcommit

        gitcommit.abandon(path, options, done, exc)


def _finish(path: Path, options: Options, done: Run) -> Run:
    """Write the repository (and, with --commit, commit exactly the migration's files)."""
    if options.commit:
        from migrator.fleet import gitcommit

        return gitcommit.finish(path, options, done)
    runner.write_planned(done, options)
    return done
