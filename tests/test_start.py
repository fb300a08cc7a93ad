"""What a `migrate` process loads, and how it ends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.cli import main
from tests.conftest import REPO

RUN = """
import io, json, sys
before = set(sys.modules)
from migrator.cli import main
shown, sys.stdout = sys.stdout, io.StringIO()
code = main(["migrate", "--dry-run", sys.argv[1]])
sys.stdout = shown
print(json.dumps({"code": code, "modules": sorted(set(sys.modules) - before)}))
"""


def test_migrate_loads_no_module_only_other_commands_need(tmp_path: Path) -> None:
    """libcst (the codemod), urllib.request (downloads), subprocess (git) and multiprocessing
    (bulk) are heavy and belong to other commands: a dry run of the example, offline, with an
    empty cache (the embedded metadata), loads none of them."""
    env = {k: v for k, v in os.environ.items() if k != "UPSUN_MIGRATOR_YAML"}
    found = subprocess.run([sys.executable, "-c", RUN, str(REPO / "examples" / "workers")],
                           capture_output=True, text=True, check=True,
                           env={**env, "UPSUN_MIGRATOR_OFFLINE": "1",
                                "XDG_CACHE_HOME": str(tmp_path)})
    seen = json.loads(found.stdout)
    assert seen["code"] == 0
    heavy = {"libcst", "urllib.request", "subprocess", "multiprocessing"}
    assert sorted(heavy & set(seen["modules"])) == []


# -- how a process ends: without the interpreter's teardown, unless something needs it --------

#: The lines a test process ends with: a dry run of the example (its path is the process's first
#: argument), through the console script's function.
EXAMPLE_ARGV = "sys.argv = ['upsun-migrator', 'migrate', '--dry-run', sys.argv[1]]\n"
EXAMPLE_RUN = EXAMPLE_ARGV + "from migrator.cli import run\nrun()\n"


def _entry(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """A Python process running `code` with the example's path as its first argument."""
    env = {k: v for k, v in os.environ.items() if k != "UPSUN_MIGRATOR_YAML"}
    return subprocess.run([sys.executable, "-c", code, str(REPO / "examples" / "workers")],
                          capture_output=True, text=True, check=False,
                          env={**env, "UPSUN_MIGRATOR_OFFLINE": "1",
                               "XDG_CACHE_HOME": str(tmp_path)})


def test_the_console_script_runs_run() -> None:
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"upsun-migrator": "migrator.cli:run"}
    assert (REPO / "migrator" / "__main__.py").read_text().endswith("sys.exit(main())\n")


def test_python_m_migrator_hands_back_to_a_host_process(tmp_path: Path) -> None:
    """runpy (as cProfile and pdb use it) gets control back after the run."""
    code = ("import runpy, sys\n" + EXAMPLE_ARGV +
            "try:\n"
            "    runpy.run_module('migrator', run_name='__main__')\n"
            "except SystemExit as stop:\n"
            "    print('host got', stop.code)\n")
    found = _entry(code, tmp_path)
    assert found.stdout.endswith("\nhost got 0\n")


def test_under_a_profiler_the_process_exits_the_usual_way(tmp_path: Path) -> None:
    out = tmp_path / "profile.out"
    code = ("import cProfile, sys\n" + EXAMPLE_ARGV + "from migrator.cli import run\n"
            f"cProfile.run('run()', {str(out)!r})\n")
    found = _entry(code, tmp_path)
    assert found.stdout.startswith("--- /dev/null\n")
    assert out.stat().st_size > 0


@pytest.mark.parametrize("args", [["migrate", "--dry-run", "examples/workers"],
                                  ["migrate", "--dry-run", "no-such-folder"],
                                  ["migrate", "--dry-run", "--output-format", "json",
                                   "examples/workers"]])
def test_what_a_process_prints_and_its_exit_code_are_those_of_main(
        args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Everything main wrote reaches a pipe before os._exit (stdout is block-buffered there)."""
    found = subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True,
                           text=True, check=False, cwd=REPO,
                           env={**os.environ, "UPSUN_MIGRATOR_OFFLINE": "1",
                                "XDG_CACHE_HOME": str(tmp_path)})
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("UPSUN_MIGRATOR_OFFLINE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    code = main(args)
    printed = capsys.readouterr()
    assert (found.returncode, found.stdout, found.stderr) == (code, printed.out, printed.err)
    assert len(found.stdout) + len(found.stderr) > 30


def test_functions_registered_to_run_at_exit_still_run(tmp_path: Path) -> None:
    code = "import atexit, sys\natexit.register(lambda: print('ran at exit'))\n" + EXAMPLE_RUN
    found = _entry(code, tmp_path)
    assert found.returncode == 0
    assert found.stdout.startswith("--- /dev/null\n")
    assert found.stdout.endswith("\nran at exit\n")


def test_a_thread_still_running_is_waited_for(tmp_path: Path) -> None:
    code = ("import sys, threading, time\n"
            "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()\n"
            + EXAMPLE_RUN)
    found = _entry(code, tmp_path)
    assert found.returncode == 0
    assert found.stdout.endswith("\nthread done\n")


def test_a_process_that_ends_with_os_exit_runs_no_teardown(tmp_path: Path) -> None:
    """The object of the change: an object's finalizer would run at the usual exit; it does not
    run after `run`, and what was printed before is all there."""
    code = ("import sys\n"
            "class Noisy:\n"
            "    def __del__(self):\n"
            "        print('torn down')\n"
            "kept = Noisy()\n" + EXAMPLE_RUN)
    found = _entry(code, tmp_path)
    assert found.returncode == 0
    assert "torn down" not in found.stdout
    assert found.stdout.startswith("--- /dev/null\n")
    usual = _entry(code.replace("import run\nrun()", "import main\nsys.exit(main())"), tmp_path)
    assert usual.stdout.endswith("\ntorn down\n")  # the same process, with the usual exit


@pytest.mark.parametrize("closed", [">&-", "2>&-", ">&- 2>&-"])
def test_a_process_started_with_its_output_closed_still_migrates(closed: str,
                                                                 tmp_path: Path) -> None:
    """`cmd >&-` starts Python with sys.stdout None: what would be printed goes nowhere."""
    import shlex
    import shutil

    repo = tmp_path / "workers"
    shutil.copytree(REPO / "examples" / "workers", repo)
    command = f"{shlex.quote(sys.executable)} -m migrator migrate {shlex.quote(str(repo))} {closed}"
    found = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=False,
                           env={**os.environ, "UPSUN_MIGRATOR_OFFLINE": "1",
                                "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert found.returncode == 0
    assert (found.stdout == "") == closed.startswith(">&-")  # the report goes to stdout
    assert found.stderr == ""
    assert (repo / ".upsun" / "config.yaml").is_file()
