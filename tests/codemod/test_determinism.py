"""The rewrite is a function of the input alone: fresh processes with different hash seeds (and
so different object addresses and set orders) must give byte-identical output (issue 12.1: a
statement was dropped when a freed node's `id()` was reused)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import thorough

#: Fresh processes (hash seeds) to compare: ten in the `ci` profile, two in `dev` (each process
#: imports libcst and rewrites eight times).
SEEDS = range(10 if thorough() else 2)

SETTINGS = '''"""Settings."""

import os

from platformshconfig import Config

# Read the environment.
config = Config()

DEBUG = True
if config.is_valid_platform():
    if config.projectEntropy:
        SECRET_KEY = config.projectEntropy
    if not config.in_build():
        db_settings = config.credentials("database")
        DATABASES = {"default": {"HOST": db_settings["host"], "PORT": db_settings["port"]}}
    if config.on_production():
        DEBUG = False
        CACHE_MIDDLEWARE_SECONDS = 600
'''
PROGRAM = """
import sys
from pathlib import Path
from migrator.codemod import CodeOptions, run
for _ in range(8):
    done = run(Path(sys.argv[1]), CodeOptions(True, True), None)
    sys.stdout.write(done.changes[0].new + "\\0")
"""


def test_fresh_processes_give_identical_rewrites(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(SETTINGS, encoding="utf-8")
    outputs = set()
    for seed in SEEDS:
        done = subprocess.run([sys.executable, "-c", PROGRAM, str(tmp_path)], check=True,
                              capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": str(seed)})
        outputs.update(done.stdout.split("\0")[:-1])
    assert len(outputs) == 1
    (output,) = outputs
    assert "        DEBUG = False\n        CACHE_MIDDLEWARE_SECONDS = 600\n" in output
    assert "pass" not in output
