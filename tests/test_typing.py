"""The package type-checks under mypy --strict (STYLE.md: every function annotated)."""

from __future__ import annotations

from mypy import api

from tests.conftest import REPO


def test_mypy_strict() -> None:
    stdout, stderr, status = api.run(["--strict", "--no-incremental", str(REPO / "migrator")])
    assert status == 0, stdout + stderr
    assert stdout.startswith("Success: no issues found")
