"""Benchmark: `upsun-migrator codemod` in check mode over a large tree.

    python tests/benchmarks/bench_codemod.py              # 3 rounds
    python tests/benchmarks/bench_codemod.py --rounds 5 --keep /tmp/tree
    python tests/benchmarks/bench_codemod.py --also /path/to/older/bin/upsun-migrator

Builds, in a temporary folder, a tree from this interpreter's standard library (every file but
`site-packages` and `__pycache__`) and the Platform.sh settings files of the codemod's fixture
applications (tests/fixtures/code/, under `apps/`), then times the installed `upsun-migrator
codemod TREE` (check mode, as a user runs it) for some rounds. It reports the files in the tree,
the Python files among them, how many of those the codemod analyses (parses with libcst), the
findings, and the seconds: wall-clock median (and range) of the rounds, and the CPU of the command
and its child process. `--also` times another install of the script (an older version) in the
same rounds, the two alternating, since one run on a shared machine can be off by 20%. Not a
test: timing assertions have no place in the suite. Figures go to docs/codemod.md.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APPS = REPO / "tests" / "fixtures" / "code"
sys.path.insert(0, str(REPO))

#: What a user runs: the installed console script when there is one beside this interpreter.
SCRIPT = Path(sys.executable).with_name("upsun-migrator")
MIGRATOR = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-m", "migrator"]
SUMMARY = re.compile(r"^(\d+) finding\(s\), (\d+) would be rewritten, in (\d+) file\(s\)$",
                     re.MULTILINE)


def build_tree(target: Path) -> None:
    """The standard library and the fixture applications, copied under `target`."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    shutil.copytree(stdlib, target / "stdlib", symlinks=True,
                    ignore=shutil.ignore_patterns("site-packages", "__pycache__"))
    shutil.copytree(APPS, target / "apps", symlinks=True)
    os.sync()  # the copy's write-back must not land in the middle of a timed run


def count_files(root: Path) -> tuple[int, int]:
    """Regular files in the tree, and the Python files among them."""
    files = python = 0
    for _folder, _dirs, names in os.walk(root):
        files += len(names)
        python += sum(name.endswith(".py") for name in names)
    return files, python


def analysed(root: Path) -> tuple[int, int]:
    """How many files the codemod analyses, and its findings (one in-process run, untimed)."""
    from migrator.codemod import CodeOptions, run

    done = run(root, CodeOptions())
    return len(done.analysed), len(done.findings)


def time_check(command: list[str], root: Path) -> tuple[float, float, str]:
    """One `codemod TREE` run: wall seconds, CPU seconds (it and its children), its summary."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([*command, "codemod", str(root)], capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if done.returncode not in (0, 1):
        raise SystemExit(f"codemod exited {done.returncode}:\n{done.stderr}")
    summary = SUMMARY.search(done.stdout)
    return wall, cpu, summary.group(0) if summary else done.stdout[-200:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the tree here and keep it")
    parser.add_argument("--also", type=Path, metavar="SCRIPT",
                        help="another upsun-migrator script to time in the same rounds")
    args = parser.parse_args()
    commands = {"this": MIGRATOR, **({"also": [str(args.also)]} if args.also else {})}
    with tempfile.TemporaryDirectory(prefix="bench-codemod-") as scratch:
        root = args.keep or Path(scratch) / "tree"
        if not root.exists():
            build_tree(root)
        files, python = count_files(root)
        count, findings = analysed(root)
        print(f"tree: {files} files, {python} Python files; analysed: {count}; "
              f"findings: {findings}")
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for number in range(1, args.rounds + 1):
            for name, command in commands.items():
                wall, cpu, summary = time_check(command, root)
                times[name].append((wall, cpu))
                print(f"round {number}, {name}: {wall:.2f} s wall, {cpu:.2f} s CPU ({summary})")
        for name, command in commands.items():
            walls = [wall for wall, _ in times[name]]
            cpu = statistics.median(cpu for _, cpu in times[name])
            print(f"{name} ({command[-1]}): codemod check over {files} files: median "
                  f"{statistics.median(walls):.2f} s wall ({min(walls):.2f}-{max(walls):.2f}), "
                  f"{cpu:.2f} s CPU")


if __name__ == "__main__":
    main()
