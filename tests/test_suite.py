"""The test suite's own promises: the default run is the quick one (no end-to-end tests, the
`dev` hypothesis profile), and CI runs everything, as the README says."""

from __future__ import annotations

import re
import shlex

from hypothesis import settings

from tests.conftest import REPO

#: The README's two test commands: the quick default one, then everything as CI runs it.
COMMAND = re.compile(r"^    (python3 -m venv \.venv && .*-m pytest.*)$", re.MULTILINE)


def test_the_default_run_leaves_out_the_end_to_end_tests() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")  # no tomllib on 3.10
    (addopts,) = re.findall(r'^addopts = "(.*)"$', pyproject, re.MULTILINE)
    options = shlex.split(addopts)
    assert options[options.index("-m") + 1] == "not e2e"
    assert options[options.index("-n") + 1] == "auto"  # on every core
    assert re.search(r'^  "e2e: ', pyproject, re.MULTILINE)


def test_ci_runs_the_readmes_command_for_everything_with_both_parsers() -> None:
    quick, everything = COMMAND.findall((REPO / "README.md").read_text(encoding="utf-8"))
    assert quick.endswith("-m pytest")
    assert everything == f'{quick} -m "" --hypothesis-profile ci'
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert f"\n{everything}\n" in ci
    assert '\nUPSUN_MIGRATOR_YAML=pure .venv/bin/python -m pytest -q -m "" --hypothesis-profile ' \
           'ci\n' in ci


def test_the_profiles() -> None:
    dev, ci = settings.get_profile("dev"), settings.get_profile("ci")
    assert (dev.max_examples, ci.max_examples) == (10, 200)
    assert dev.derandomize and ci.derandomize and dev.database is None and ci.database is None
