"""Valid YAML never ends in an internal error (issue 23): generated projects written with every
YAML feature a hand-written configuration may use (`tests/yaml_projects.py`) migrate with the
run's proof passing and the output valid against the Upsun schema, or are refused with exit 1
and one line naming the file and line. CI runs it with both parsers (UPSUN_MIGRATOR_YAML=pure)
and the `ci` hypothesis profile (`--hypothesis-profile ci`: ten times the examples).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings

from tests import second_parser
from tests.conftest import METADATA_ARGS, run, tree
from tests.upsun_cli import config_validate, find_upsun_cli
from tests.upsun_schema import load_config, schema_errors
from tests.yaml_projects import Project, projects

#: One line naming the file and line: `error: <file>:<line>[:<column>]: <why>`.
REFUSAL = re.compile(r"error: [^\n:]+:\d+(:\d+)?: [^\n]+\n")


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(projects())
def test_every_feature_migrates_or_is_refused_with_its_line(project: Project) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "repo"
        root.mkdir()
        for rel, text in project.files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(text.encode("utf-8"))
        before = tree(root)
        result = run("migrate", root, *METADATA_ARGS)
        event(f"exit {result.exit_code}")
        if result.exit_code != 0:
            assert result.exit_code == 1, result.stderr
            assert REFUSAL.fullmatch(result.stderr), result.stderr
            assert any(re.search(reason, result.stderr) for reason in project.refusable), \
                result.stderr  # only what was drawn to be refused
            assert tree(root) == before
            return
        text = (root / ".upsun/config.yaml").read_text(encoding="utf-8")
        second_parser.load(text)  # a second parser reads it
        assert schema_errors(load_config(text, (root / ".upsun", root)), versions=False) == []
        assert run("migrate", "--check", root, *METADATA_ARGS).exit_code == 0


@pytest.mark.e2e
# Ten examples whatever the profile: each one starts the official CLI (a Node.js program).
@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(projects(includes=False))
def test_the_official_cli_accepts_what_migrates(project: Project) -> None:
    """Explicit keys, relocated anchors, blocks written in flow style, renamed anchors: the
    official `upsun app:config-validate` reads the output as the engine does."""
    cli = find_upsun_cli()
    if cli is None:
        if os.environ.get("CI"):
            pytest.fail("the upsun CLI is missing in CI: .ci/run must install it")
        pytest.skip("the official upsun CLI is not installed")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "repo"
        root.mkdir()
        for rel, text in project.files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(text.encode("utf-8"))
        if run("migrate", "--remove-legacy", root, *METADATA_ARGS).exit_code != 0:
            return  # refusals: the test above
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        home = Path(scratch) / "home"
        home.mkdir()
        checked = config_validate(cli, root, home)
        assert checked.returncode == 0, checked.stdout + checked.stderr
