"""What a process loads, and how it ends: the usual interpreter exit with `main`'s exit code."""

from __future__ import annotations

import json
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
                                  ["migrate", "--dry-run", "--output-format", "json",
                                   "examples/workers"],
                                  ["migrate", "--dry-rn", "examples/workers"],
                                  ["validate", "examples/workers"],
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


def _entry(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """A Python process running `code`, then the console script's own ending,
    `sys.exit(main())`, on a dry run of the example."""
    code += ("from migrator.cli import main\n"
             f"sys.argv = ['upsun-migrator', 'migrate', '--dry-run', {str(EXAMPLE)!r}]\n"
             "sys.exit(main())\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, env=_env(tmp_path))


def test_functions_registered_to_run_at_exit_run(tmp_path: Path) -> None:
    found = _entry("import atexit, sys\natexit.register(lambda: print('ran at exit'))\n",
                   tmp_path)
    assert found.returncode == 0
    assert found.stdout.startswith("--- /dev/null\n")
    assert found.stdout.endswith("\nran at exit\n")


def test_a_thread_still_running_is_waited_for(tmp_path: Path) -> None:
    found = _entry("import sys, threading, time\n"
                   "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done')))"
                   ".start()\n", tmp_path)
    assert found.returncode == 0
    assert found.stdout.endswith("\nthread done\n")


def test_the_interpreter_tears_down_as_usual(tmp_path: Path) -> None:
    """An object's finalizer runs at the usual exit, after everything main printed."""
    found = _entry("import sys\n"
                   "class Noisy:\n"
                   "    def __del__(self):\n"
                   "        print('torn down')\n"
                   "kept = Noisy()\n", tmp_path)
    assert found.returncode == 0
    assert found.stdout.startswith("--- /dev/null\n")
    assert found.stdout.endswith("\ntorn down\n")


def test_python_m_migrator_hands_back_to_a_host_process(tmp_path: Path) -> None:
    """runpy (as cProfile and pdb use it) gets control back after the run."""
    code = ("import runpy, sys\n"
            f"sys.argv = ['upsun-migrator', 'migrate', '--dry-run', {str(EXAMPLE)!r}]\n"
            "try:\n"
            "    runpy.run_module('migrator', run_name='__main__')\n"
            "except SystemExit as stop:\n"
            "    print('host got', stop.code)\n")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=False, env=_env(tmp_path))
    assert found.stdout.endswith("\nhost got 0\n")


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
