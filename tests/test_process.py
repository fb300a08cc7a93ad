"""The command line as a process: the lazily loaded group (the listing loads no command module),
the console script and `python -m migrator` running `main`, and what a process prints and its
exit code."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import tomllib

from migrator.cli import COMMANDS, main
from tests.conftest import REPO
from tests.test_start import EXAMPLE, _env, _loaded


def test_the_listing_of_commands_loads_none_of_them(tmp_path: Path) -> None:
    code, modules = _loaded(["--help"], tmp_path)
    assert code == 0
    assert sorted(modules & {entry.module for entry in COMMANDS.values()}) == []
    assert "click" in modules

def test_the_table_says_what_each_command_says(tmp_path: Path) -> None:
    """The listing comes from the table; each command's own help starts with the same line."""
    for name, entry in COMMANDS.items():
        code, modules = _loaded([name, "--help"], tmp_path)
        assert code == 0 and entry.module in modules
        command = __import__(entry.module, fromlist=["command"]).command
        assert command.help.split("\n")[0] == entry.help, name

def test_the_console_script_and_python_m_run_main() -> None:
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"upsun-migrator": "migrator.cli:main"}
    installed = entry_points(group="console_scripts", name="upsun-migrator")
    assert [point.load() for point in installed] == [main]
    assert (REPO / "migrator" / "__main__.py").read_text().endswith(
        "from migrator.cli import main\n\nsys.exit(main())\n")

def _console_script() -> str:
    """The installed `upsun-migrator`, beside the interpreter running the tests."""
    script = Path(sys.executable).parent / "upsun-migrator"
    assert script.is_file(), "install the package: pip install -e '.[test]'"
    return str(script)

@pytest.mark.parametrize("args", [["migrate", "--dry-run", "examples/workers"],
                                  ["migrate", "--dry-run", "no-such-folder"],
                                  ["migrate", "--dry-rn", "examples/workers"],
                                  ["--help"]])
@pytest.mark.parametrize("how", ["console script", "python -m migrator"])
def test_what_a_process_prints_and_its_exit_code_are_those_of_main(
        args: list[str], how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Everything main wrote reaches the pipes (block-buffered there) and the process exits
    with main's code."""
    start = [_console_script()] if how == "console script" else [sys.executable, "-m",
                                                                  "migrator"]
    found = subprocess.run([*start, *args], capture_output=True, text=True, check=False,
                           cwd=REPO, env=_env(tmp_path))
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("UPSUN_MIGRATOR_OFFLINE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    code = main(args)
    printed = capsys.readouterr()
    assert (found.returncode, found.stdout, found.stderr) == (code, printed.out, printed.err)
    assert len(found.stdout) + len(found.stderr) > 30

@pytest.mark.parametrize("args", [["migrate", "--dry-run", str(EXAMPLE)], ["--help"]])
def test_a_reader_that_went_away_ends_the_run_quietly(args: list[str], tmp_path: Path) -> None:
    """`upsun-migrator ... | head`: the pipe's reading end is closed before the run starts,
    so the first write fails; the run ends with exit 1, nothing on stderr."""
    read, write = os.pipe()
    os.close(read)
    try:
        found = subprocess.run([sys.executable, "-m", "migrator", *args], stdout=write,
                               stderr=subprocess.PIPE, text=True, check=False,
                               env=_env(tmp_path))
    finally:
        os.close(write)
    assert (found.returncode, found.stderr) == (1, "")

@pytest.mark.parametrize("closed", [">&-", "2>&-", ">&- 2>&-"])
def test_a_process_started_with_its_output_closed_still_migrates(closed: str,
                                                                 tmp_path: Path) -> None:
    """`cmd >&-` starts Python with sys.stdout None: what would be printed goes nowhere."""
    repo = tmp_path / "workers"
    shutil.copytree(EXAMPLE, repo)
    command = f"{shlex.quote(sys.executable)} -m migrator migrate {shlex.quote(str(repo))} {closed}"
    found = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=False,
                           env=_env(tmp_path))
    assert found.returncode == 0
    assert (found.stdout == "") == closed.startswith(">&-")  # the report goes to stdout
    assert found.stderr == ""
    assert (repo / ".upsun" / "config.yaml").is_file()
