"""End to end: the official `upsun app:config-validate` accepts every fixture's output.

It runs in CI, where `.ci/run` installs the CLI from the npm registry; locally the tests skip
when the binary is missing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_NAMES, FIXTURES, METADATA_ARGS, run
from tests.upsun_cli import config_validate, find_upsun_cli

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def cli() -> Path:
    found = find_upsun_cli()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("the upsun CLI is missing in CI: .ci/run must install it")
        pytest.skip("the official upsun CLI is not installed (run .ci/install-upsun-cli.sh)")
    return found


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_official_cli_accepts_the_output(name: str, cli: Path, tmp_path: Path) -> None:
    project = tmp_path / name
    shutil.copytree(FIXTURES / name, project, symlinks=True)
    result = run("migrate", "--remove-legacy", project, *METADATA_ARGS)
    assert result.exit_code == 0, result.stderr
    home = tmp_path / "home"
    home.mkdir()
    checked = config_validate(cli, project, home)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Your Upsun application config is valid!" in checked.stdout + checked.stderr


def test_official_cli_rejects_what_we_never_write(cli: Path, tmp_path: Path) -> None:
    """The check has teeth: a leftover legacy `disk` key fails it."""
    (tmp_path / ".upsun").mkdir()
    (tmp_path / ".upsun" / "config.yaml").write_text(
        "applications:\n  app:\n    type: 'php:8.4'\n    disk: 512\n")
    home = tmp_path / "home"
    home.mkdir()
    checked = config_validate(cli, tmp_path, home)
    assert checked.returncode == 1
    assert "Additional property disk is not allowed" in checked.stdout + checked.stderr
