"""What `migrate` loads: none of the heavy modules that only other commands need."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "workers"

LOADED = """
import io, json, sys
before = set(sys.modules)
from migrator.cli import main
shown, sys.stdout = sys.stdout, io.StringIO()
code = main(sys.argv[1:])
sys.stdout = shown
print(json.dumps({"code": code, "modules": sorted(set(sys.modules) - before)}))
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "UPSUN_MIGRATOR_YAML"}
    return {**env, "UPSUN_MIGRATOR_OFFLINE": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")}


def _loaded(args: list[str], tmp_path: Path) -> tuple[int, set[str]]:
    """The exit code of `main(args)` in a fresh process, and the modules it loaded."""
    found = subprocess.run([sys.executable, "-c", LOADED, *args], capture_output=True,
                           text=True, check=True, env=_env(tmp_path))
    seen = json.loads(found.stdout)
    return seen["code"], set(seen["modules"])


def test_migrate_loads_no_module_only_other_commands_need(tmp_path: Path) -> None:
    """libcst (the codemod), urllib.request (downloads), subprocess (git) and multiprocessing
    (bulk) are heavy and belong to other commands: a dry run of the example, offline, with an
    empty cache (the embedded metadata), loads none of them."""
    code, modules = _loaded(["migrate", "--dry-run", str(EXAMPLE)], tmp_path)
    assert code == 0
    heavy = {"libcst", "urllib.request", "subprocess", "multiprocessing"}
    assert sorted(heavy & modules) == []
    assert "migrator.cli.migrate" in modules  # the probe sees what a run loads
