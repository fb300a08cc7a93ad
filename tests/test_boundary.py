"""The one error boundary every command runs in: what each kind of failure becomes."""

from __future__ import annotations

import click
import pytest

from migrator.cli.boundary import BUG, boundary
from migrator.errors import MigratorError


def _ended(raised: BaseException, debug: bool, capsys: pytest.CaptureFixture[str]
           ) -> tuple[int, str, str]:
    with pytest.raises(click.exceptions.Exit) as ended, boundary(debug):
        raise raised
    printed = capsys.readouterr()
    return ended.value.exit_code, printed.out, printed.err


@pytest.mark.parametrize(("raised", "code", "stderr"), [
    (MigratorError("no legacy configuration", "repo"), 1,
     "error: repo: no legacy configuration\n"),
    (MigratorError("a\x1b[31mred\nline", ".platform.app.yaml", 3), 1,
     "error: .platform.app.yaml:3: a\\x1b[31mred\\nline\n"),
    (KeyboardInterrupt(), 130, "interrupted\n"),
    (KeyError("oops"), 3, f"internal error: KeyError: 'oops'. {BUG}\n"),
])
def test_each_failure_is_one_line_and_its_exit_code(
        raised: BaseException, code: int, stderr: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert _ended(raised, False, capsys) == (code, "", stderr)


def test_with_debug_a_bug_shows_its_traceback_first(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _ended(ZeroDivisionError("boom"), True, capsys)
    assert (code, out) == (3, "")
    assert err.startswith("Traceback (most recent call last):\n")
    assert err.endswith(f"ZeroDivisionError: boom\ninternal error: ZeroDivisionError: boom. "
                        f"{BUG}\n")


@pytest.mark.parametrize("raised", [click.UsageError("--branch needs --commit"),
                                    click.exceptions.Exit(1), click.Abort()])
def test_clicks_own_exceptions_go_through(raised: Exception,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(type(raised)) as seen, boundary(True):
        raise raised
    assert seen.value is raised
    assert capsys.readouterr() == ("", "")


def test_nothing_raised_is_nothing_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with boundary(False):
        pass
    assert capsys.readouterr() == ("", "")
