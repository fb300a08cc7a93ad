"""A dry run predicts the real run: same exit code, same refusal, and a diff naming exactly the
files the real run changes.

The class of bug: refusals checked only on the write path (an existing config.yaml, a linked
.platform, another .upsun file defining the same key), so `--dry-run` showed a diff and exited
0 where the real run exits 1. The differential test runs both on twin copies of each scenario.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import METADATA_ARGS, run, tree, write_files

APP = "name: app\ntype: 'php:8.4'\n"
DB = "db:\n  type: 'mariadb:11.4'\n"
DRY_SUFFIX = " (dry run: the real run would stop here, writing nothing)"


def _plain(root: Path) -> None:
    write_files(root, {".platform.app.yaml": APP, ".platform/services.yaml": DB})


def _existing_config(root: Path) -> None:
    _plain(root)
    write_files(root, {".upsun/config.yaml": "applications: {}\n"})


def _services_beside(root: Path) -> None:
    _plain(root)
    write_files(root, {".upsun/services.yaml": "services:\n  cache:\n    type: 'redis:7.2'\n"})


def _invalid_routes_beside(root: Path) -> None:
    write_files(root, {".platform.app.yaml": APP, ".upsun/routes.yaml":
                       "routes:\n  'https://{default}/':\n    type: teleport\n"})


def _linked_platform(root: Path) -> None:
    write_files(root, {".platform.app.yaml": APP, "config/platform/services.yaml": DB})
    (root / ".platform").symlink_to("config/platform")


def _upsun_is_a_file(root: Path) -> None:
    _plain(root)
    write_files(root, {".upsun": "not a folder\n"})


def _retired(root: Path) -> None:
    write_files(root, {".platform.app.yaml": APP.replace("8.4", "7.4")})


def _retired_and_config(root: Path) -> None:
    _retired(root)
    write_files(root, {".upsun/config.yaml": "applications: {}\n"})


SCENARIOS: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "a plain repository": (_plain, ()),
    "a plain repository, --remove-legacy": (_plain, ("--remove-legacy",)),
    "an existing config.yaml": (_existing_config, ()),
    "an existing config.yaml, --force": (_existing_config, ("--force",)),
    "services defined beside": (_services_beside, ()),
    "services defined beside, --force": (_services_beside, ("--force",)),
    "invalid routes beside": (_invalid_routes_beside, ()),
    "a linked .platform, --remove-legacy": (_linked_platform, ("--remove-legacy",)),
    "a linked .platform": (_linked_platform, ()),
    ".upsun is a file": (_upsun_is_a_file, ()),
    "a retired version, --strict": (_retired, ("--strict",)),
    "a retired version and an existing config.yaml, --strict": (_retired_and_config,
                                                                ("--strict",)),
}


def _diff_paths(diff: str) -> set[str]:
    return {m.group(2) for m in re.finditer(r"^(---|\+\+\+) [ab]/(.+)$", diff, re.M)}


def _changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    files = {rel for rel in set(before) | set(after) if not rel.endswith("/")}
    return {rel for rel in files if before.get(rel) != after.get(rel)}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_dry_run_predicts_the_real_run(tmp_path: Path, scenario: str) -> None:
    setup, args = SCENARIOS[scenario]
    dry_root, real_root = tmp_path / "dry" / "repo", tmp_path / "real" / "repo"
    for root in (dry_root, real_root):
        root.mkdir(parents=True)
        setup(root)
    before = tree(real_root)
    dry = run("migrate", "--dry-run", *args, dry_root, *METADATA_ARGS)
    real = run("migrate", *args, real_root, *METADATA_ARGS)
    assert tree(dry_root) == before
    assert dry.exit_code == real.exit_code, (dry.stderr, real.stderr)
    if real.exit_code:
        expected = real.stderr.replace("real/repo", "dry/repo")  # as shown from tmp_path
        assert dry.stderr in (expected, expected.replace("\n", DRY_SUFFIX + "\n"))
        assert tree(real_root) == before
        return
    assert _diff_paths(dry.stdout) == _changed(before, tree(real_root))


def test_dry_run_says_the_real_run_will_be_refused(project: Path) -> None:
    _existing_config(project)
    result = run("migrate", "--dry-run", project)
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/.upsun/config.yaml\n+++ b/.upsun/config.yaml\n")
    assert "\nWould migrate: 1 application(s)" in result.stdout
    assert result.stderr == ("error: .upsun/config.yaml: already exists; pass --force to replace "
                             f"it{DRY_SUFFIX}\n")
