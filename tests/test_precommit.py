"""The pre-commit hooks of `.pre-commit-hooks.yaml`, run for real with `pre-commit try-repo`.

The hook repository is a committed copy of this working tree (so uncommitted work is what is
tested). pre-commit installs it into a fresh virtualenv with pip; build isolation is turned off
(`PIP_NO_BUILD_ISOLATION=0`), so the setuptools seeded into that virtualenv builds the package
and only the dependencies come from the package index. The five runs go in parallel: each
`try-repo` builds its own environment (about 20 s), so the tests reading them are end-to-end
(`e2e`: CI runs them, the default run leaves them out).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.gitrepo import IDENTITY, git, init_repo

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
APP = "name: app\ntype: 'php:8.4'\n"
VALID = "applications:\n  app:\n    type: 'php:8.4'\n"
INVALID = "applications:\n  app:\n    type: 'php:8.4'\n    disk: 2048\n"
DECOMMISSIONED = VALID + "services:\n  cache:\n    type: 'redis:2.8'\n"
CASES = {  # name: (hook, files of the throwaway repository)
    "validate-good": ("upsun-migrator-validate", {".upsun/config.yaml": VALID}),
    "validate-bad": ("upsun-migrator-validate", {".upsun/config.yaml": INVALID}),
    "validate-decommissioned": ("upsun-migrator-validate",
                                {".upsun/config.yaml": DECOMMISSIONED}),
    "check-good": ("upsun-migrator-check", {".platform.app.yaml": APP, ".upsun/config.yaml":
                                            VALID}),
    "check-bad": ("upsun-migrator-check", {".platform.app.yaml": APP, "web/index.php": "<?php\n"}),
}


def _hook_repository(target: Path) -> Path:
    """This working tree (tracked and untracked, not ignored files), committed in a new repo."""
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], capture_output=True, check=True).stdout
    for rel in sorted({name for name in listed.decode().split("\0") if name}):
        if (REPO / rel).is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, target / rel)
    return init_repo(target, {})


def _environment(cache: Path, home: Path) -> dict[str, str]:
    pip_cache = os.environ.get("PIP_CACHE_DIR") or str(
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pip")
    cache.mkdir(parents=True)  # empty: the hooks run on the embedded metadata, offline
    return {**os.environ, **IDENTITY, "UPSUN_MIGRATOR_OFFLINE": "1",
            "XDG_CACHE_HOME": str(cache), "PIP_CACHE_DIR": pip_cache,
            "PRE_COMMIT_HOME": str(home), "PIP_NO_BUILD_ISOLATION": "0", "NO_COLOR": "1",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[int, str]]]:
    """Every case's (exit code, output), the `try-repo` runs started together."""
    base = tmp_path_factory.mktemp("precommit")
    hooks = _hook_repository(base / "hooks")
    env = _environment(base / "cache", base / "pre-commit-home")
    started = {}
    for name, (hook, files) in CASES.items():
        user = init_repo(base / name, files)
        started[name] = subprocess.Popen(
            [str(PRE_COMMIT), "try-repo", str(hooks), hook, "--all-files", "--color", "never"],
            cwd=user, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    outputs = {name: process.communicate(timeout=600)[0] for name, process in started.items()}
    yield {name: (started[name].returncode, output) for name, output in outputs.items()}


def _status(name: str, status: str) -> str:
    """pre-commit's status line: the hook name, dots to column 79, the status."""
    return f"{name}{'.' * (79 - len(name) - len(status))}{status}\n"


def _hook_output(output: str) -> str:
    """What follows pre-commit's config preamble: the hook's status line and its output."""
    return output.split("[INFO] This may take a few minutes...\n", 1)[-1]


@pytest.mark.e2e
def test_validate_passes_on_a_valid_configuration(runs: dict[str, tuple[int, str]]) -> None:
    code, output = runs["validate-good"]
    assert code == 0, output
    assert _hook_output(output) == _status("upsun-migrator validate", "Passed")


CHECKED = ("checked: Upsun schema and image registry from the embedded snapshot of 2026-07-21 "
           "(upsun/meta 9dd622d; offline)\n")


@pytest.mark.e2e
def test_validate_fails_with_file_and_line(runs: dict[str, tuple[int, str]]) -> None:
    code, output = runs["validate-bad"]
    assert code == 1, output
    assert _hook_output(output).startswith(
        _status("upsun-migrator validate", "Failed") + "- hook id: upsun-migrator-validate\n"
        "- exit code: 1\n\n.upsun/config.yaml:2: applications.app: Additional properties are "
        "not allowed ('disk' was unexpected)\n" + CHECKED + ".upsun: 1 error(s)\n")


@pytest.mark.e2e
def test_validate_fails_on_a_decommissioned_version(runs: dict[str, tuple[int, str]]) -> None:
    """After the migration commit, a version Upsun decommissioned fails the hook, with UPS201
    on its `type:` line, as `migrate` reports it."""
    code, output = runs["validate-decommissioned"]
    assert code == 1, output
    assert _hook_output(output).startswith(
        _status("upsun-migrator validate", "Failed") + "- hook id: upsun-migrator-validate\n"
        "- exit code: 1\n\nerror  UPS201  .upsun/config.yaml:6  redis:2.8 is decommissioned on "
        "Upsun: no longer available: will not deploy; supported versions, nearest first: 8.0, "
        "8.8\n" + CHECKED + ".upsun: 1 error(s)\n")


@pytest.mark.e2e
def test_check_passes_when_the_upsun_counterpart_is_committed(
        runs: dict[str, tuple[int, str]]) -> None:
    code, output = runs["check-good"]
    assert code == 0, output
    assert _hook_output(output) == _status("upsun-migrator check", "Passed")


@pytest.mark.e2e
def test_check_fails_on_legacy_files_alone(runs: dict[str, tuple[int, str]]) -> None:
    code, output = runs["check-bad"]
    assert code == 1, output
    assert _hook_output(output) == (
        _status("upsun-migrator check", "Failed") + "- hook id: upsun-migrator-check\n"
        "- exit code: 1\n\nwould create .upsun/config.yaml\n.: 1 file(s) would change; run "
        "`upsun-migrator migrate` to migrate\n\n")


def test_hook_ids_and_entries() -> None:
    from ruamel.yaml import YAML

    hooks = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [(h["id"], h["entry"], h["language"], h["pass_filenames"]) for h in hooks] == [
        ("upsun-migrator-validate", "upsun-migrator validate", "python", False),
        ("upsun-migrator-check", "upsun-migrator migrate --check", "python", False)]


def test_check_hook_files_pattern() -> None:
    import re

    from ruamel.yaml import YAML

    hooks = {h["id"]: h for h in YAML(typ="safe").load(
        (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    legacy = re.compile(hooks["upsun-migrator-check"]["files"])
    upsun = re.compile(hooks["upsun-migrator-validate"]["files"])
    assert [bool(legacy.search(p)) for p in (
        ".platform.app.yaml", "api/.platform.app.yaml", ".platform/services.yaml",
        ".platform/local/project.yaml", "README.md", ".upsun/config.yaml")] == [
        True, True, True, False, False, False]
    assert [bool(upsun.search(p)) for p in (
        ".upsun/config.yaml", ".upsun/services.yaml", ".upsun/x.vcl", "a/.upsun/config.yaml",
        ".upsun/sub/config.yaml")] == [True, True, False, False, False]
    assert git(REPO, "rev-parse", "--is-inside-work-tree") == "true"
