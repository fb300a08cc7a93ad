"""The codemod's outputs on the fixture applications and the corpus, recorded before the
analysis was reorganised to parse each file once (issue 24, "Speed"): every option combination
in check and `--diff` mode, and `--write` with the files it leaves. A change of any finding or
rewrite shows up here as a snapshot difference."""

from __future__ import annotations

import difflib
import itertools
import shutil
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from tests.conftest import CORPUS, TESTS, run, thorough

APPS = TESTS / "fixtures" / "code"
NAMES = sorted(p.name for p in APPS.iterdir() if p.is_dir())
#: Every fixture in the `ci` profile; in `dev`, one in three (each is seventeen codemod runs,
#: and tests/codemod/test_apps.py snapshots every fixture's check and --diff already).
SAMPLED = [pytest.param(name, marks=() if thorough() or n % 3 == 0 else pytest.mark.skip(
    reason="a sample in the dev profile: the ci profile runs every fixture"))
    for n, name in enumerate(NAMES)]
FLAGS = ("--service-env-vars", "--fix-production-check")
COMBINATIONS = [list(c) for n in range(len(FLAGS) + 1) for c in itertools.combinations(FLAGS, n)]


def _texts(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*")) if p.is_file()}


def _written(before: dict[str, str], after: dict[str, str]) -> str:
    """What `--write` changed, as a unified diff of the tree (file by file, in name order)."""
    assert before.keys() == after.keys()  # nothing created or removed
    return "".join("".join(difflib.unified_diff(
        before[rel].splitlines(keepends=True), after[rel].splitlines(keepends=True),
        f"a/{rel}", f"b/{rel}")) for rel in before)


@pytest.mark.parametrize("name", SAMPLED)
def test_fixture_outputs(name: str, tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    app = tmp_path / name
    shutil.copytree(APPS / name, app)
    parts = []
    for flags, mode in itertools.product(COMBINATIONS, ("--check", "--diff")):
        done = run("codemod", mode, *flags, app)
        parts.append(f"# codemod {' '.join([mode, *flags])}: exit {done.exit_code}\n"
                     f"{done.stdout}{done.stderr}")
    before = _texts(app)
    done = run("codemod", "--write", *FLAGS, app)
    parts.append(f"# codemod --write {' '.join(FLAGS)}: exit {done.exit_code}\n"
                 f"{done.stdout}{done.stderr}# the files it changed\n"
                 f"{_written(before, _texts(app))}")
    assert "\n".join(parts) == snapshot


def test_corpus_outputs(snapshot: SnapshotAssertion) -> None:
    """Every corpus repository in check mode with every rewrite enabled, grouped by output."""
    outputs: dict[str, list[str]] = {}
    for repository in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        done = run("codemod", *FLAGS, repository)
        outputs.setdefault(f"exit {done.exit_code}\n{done.stdout}{done.stderr}", []).append(
            repository.name)
    assert "\n".join(f"# {len(names)} repositories: {', '.join(names)}\n{output}"
                     for output, names in outputs.items()) == snapshot
