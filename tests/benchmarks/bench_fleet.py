"""Benchmark: `upsun-migrator bulk` against the official `upsun convert`, and single-shot `migrate`.

    python tests/benchmarks/bench_fleet.py --repos 1000 --jobs 2
    python tests/benchmarks/bench_fleet.py --repos 10000 --only-bulk   # peak memory
    python tests/benchmarks/bench_fleet.py --per-repository             # CPU in one process

Builds a fleet of copies of the corpus (tests/corpus/) (each copy varied: a comment naming the copy is
added to every legacy file), times `bulk` over it, and times the official CLI run once per
repository over another copy of the same fleet with the same parallelism; rounds alternate the
two and the medians are compared, since one run on a shared machine can be off by 20%. The
installed `upsun-migrator` script is what runs, as a user would run it. Peak memory is the
largest sum of resident memory over the whole `bulk` process tree, sampled every 50 ms.
Not a test: timing assertions have no place in the test suite. Figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "corpus" / "platformsh"
sys.path.insert(0, str(REPO))
from tests.upsun_cli import find_upsun_cli  # noqa: E402 - after the path is set

#: What a user runs: the installed console script when there is one beside this interpreter.
SCRIPT = Path(sys.executable).with_name("upsun-migrator")
MIGRATOR = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-m", "migrator"]


def build_fleet(target: Path, count: int) -> None:
    projects = [CORPUS / p["id"] for p in json.loads((CORPUS / "MANIFEST.json").read_text())]
    for index in range(count):
        source = projects[index % len(projects)]
        copy = target / f"repo-{index:05d}"
        shutil.copytree(source, copy, symlinks=True)
        for legacy in list(copy.rglob("*.yaml")):
            legacy.chmod(0o644)
            with legacy.open("a", encoding="utf-8") as stream:
                stream.write(f"\n# fleet copy {index}\n")
        for folder in [copy, *[p for p in copy.rglob("*") if p.is_dir()]]:
            folder.chmod(0o755)
    os.sync()  # the copies' write-back must not land in the middle of a timed run


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{current}/task/{current}/children") as children:
                stack += [int(c) for c in children.read().split()]
        except (OSError, ValueError):
            continue
    return total


def run_bulk(fleet: Path, jobs: int) -> tuple[float, int, str]:
    command = [*MIGRATOR, "bulk", str(fleet), "--jobs", str(jobs),
               "--summary", str(fleet.parent / "summary.jsonl")]
    env = dict(os.environ, UPSUN_MIGRATOR_OFFLINE="1")
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=env, text=True)
    peaks = [0]
    done = threading.Event()

    def sample() -> None:  # in a thread: the clock stops when the process ends, not at a sample
        while not done.wait(0.05):
            peaks.append(tree_rss(process.pid))

    sampler = threading.Thread(target=sample)
    sampler.start()
    stderr = process.communicate()[1]
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    return elapsed, max(peaks), (stderr.strip().splitlines() or [""])[-1]  # bulk's totals


def run_official(cli: Path, fleet: Path, jobs: int) -> tuple[float, int]:
    home = Path(tempfile.mkdtemp())
    env = {"HOME": str(home), "PATH": os.environ["PATH"], "UPSUN_CLI_NO_INTERACTION": "1"}
    repos = sorted(p for p in fleet.iterdir() if p.is_dir())

    def convert(repo: Path) -> int:
        return subprocess.run([str(cli), "convert", "--provider=platformsh", "-y"], cwd=repo,
                              env=env, capture_output=True, timeout=120, check=False).returncode

    start = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        failures = sum(code != 0 for code in pool.map(convert, repos))
    return time.perf_counter() - start, failures


#: With --floor: processes that do part of what `migrate` does, timed in the same loop.
FLOOR = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "import _ruamel_yaml (ruamel.yaml and its C parser)":
        [sys.executable, "-c", "import _ruamel_yaml"],
    "import click, json, pathlib, typing, difflib":
        [sys.executable, "-c", "import click, json, pathlib, typing, difflib"],
}


def single_shot(cli: Path | None, runs: int, floor: bool = False,
                others: tuple[str, ...] = ()) -> None:
    """Each round runs every process once on a fresh copy of the example, so a slower or faster
    spell of the machine reaches them all alike; medians are compared."""
    example = REPO / "examples" / "workers"
    commands = dict(FLOOR) if floor else {}
    commands |= {f"{script} migrate --dry-run": [script, "migrate", "--dry-run"]
                 for script in others}
    commands["migrate --dry-run"] = [*MIGRATOR, "migrate", "--dry-run"]
    times: dict[str, list[float]] = {name: [] for name in commands}
    theirs: list[float] = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "workers"
            shutil.copytree(example, copy)
            for name, command in commands.items():
                start = time.perf_counter()
                subprocess.run([*command, str(copy)] if "migrate" in command else command,
                               capture_output=True, check=True,
                               env=dict(os.environ, UPSUN_MIGRATOR_OFFLINE="1"))
                times[name].append(time.perf_counter() - start)
            if cli is not None:
                start = time.perf_counter()
                subprocess.run([str(cli), "convert", "--provider=platformsh", "-y"], cwd=copy,
                               capture_output=True, check=False,
                               env={"HOME": scratch, "PATH": os.environ["PATH"]})
                theirs.append(time.perf_counter() - start)
    official = statistics.median(theirs) if theirs else None
    for name, measured in times.items():
        median = statistics.median(measured)
        ratio = f", {median / official:.2f}x the official CLI's" if official else ""
        print(f"{name} (whole process, median of {runs}): {median * 1000:.0f} ms{ratio}")
    if official is not None:
        print(f"upsun convert (same input, median of {runs}): {official * 1000:.0f} ms")
        ours = statistics.median(times["migrate --dry-run"])
        print(f"ratio: {ours / official:.2f}x the official CLI's wall time")


def compare_bulk(cli: Path | None, repos: int, jobs: int, rounds: int,
                 interleaved: bool = False) -> None:
    """Rounds alternate ours and theirs, each on a fleet of its own; the medians absorb a noisy
    machine.

    Every fleet is built before the first timed run and removed after the last. On an ext4
    without a journal a new file skips the inodes deleted in the last minute or more
    (`recently_deleted` in the kernel's inode allocator), and scanning past thousands of them made
    creating `.upsun/` and its file cost about 1 ms of kernel time per repository when the
    previous fleet had just been removed: a cost of the benchmark's own clean-up, not of
    migrating, and one that falls mostly on the faster tool. `--interleaved` keeps the older
    order (build, run, remove, per round) to compare.
    """
    ours, theirs = [], []
    with tempfile.TemporaryDirectory() as scratch:
        fleets = {(round_, who): Path(scratch) / f"{who}-{round_}"
                  for round_ in range(1, rounds + 1)
                  for who in ("ours", *(("theirs",) if cli is not None else ()))}
        if not interleaved:
            for fleet in fleets.values():
                build_fleet(fleet, repos)
        for round_ in range(1, rounds + 1):
            fleet = fleets[round_, "ours"]
            if interleaved:
                build_fleet(fleet, repos)
            elapsed, peak, totals = run_bulk(fleet, jobs)
            ours.append(repos / elapsed)
            print(f"round {round_}: bulk, {repos} repositories, {jobs} jobs: {elapsed:.1f} s, "
                  f"{repos / elapsed:.1f} repos/s, peak memory {peak / 2**20:.0f} MB ({totals})")
            if interleaved:
                shutil.rmtree(fleet)
            if cli is not None:
                fleet = fleets[round_, "theirs"]
                if interleaved:
                    build_fleet(fleet, repos)
                official, failures = run_official(cli, fleet, jobs)
                theirs.append(repos / official)
                print(f"round {round_}: upsun convert, {jobs} in parallel: {official:.1f} s, "
                      f"{repos / official:.1f} repos/s ({failures} failed)")
                if interleaved:
                    shutil.rmtree(fleet)
    print(f"bulk: median {statistics.median(ours):.1f} repos/s over {rounds} rounds")
    if theirs:
        print(f"upsun convert: median {statistics.median(theirs):.1f} repos/s")
        print(f"ratio of the medians: {statistics.median(ours) / statistics.median(theirs):.1f}x "
              "the official CLI's throughput")


def per_repository(passes: int = 4) -> None:
    """CPU per repository inside one process (no start-up, no pool): one copy of each corpus project,
    `--dry-run`, the best of a few passes."""
    from migrator.cli.run_each import Each, outcome
    from migrator.migration.pipeline import Metadata
    from migrator.migration.runner import Options

    with tempfile.TemporaryDirectory() as scratch:
        fleet = Path(scratch)
        build_fleet(fleet, len(json.loads((CORPUS / "MANIFEST.json").read_text())))
        repos = sorted(str(p) for p in fleet.iterdir())
        best = float("inf")
        for _ in range(passes):
            start = time.process_time()
            for repo in repos:
                outcome(repo, Each(Options(dry_run=True)), Metadata())
            best = min(best, time.process_time() - start)
    print(f"in one process: {best / len(repos) * 1000:.1f} ms of CPU per repository "
          f"(best of {passes} passes over {len(repos)} projects)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repos", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only-bulk", action="store_true")
    parser.add_argument("--single-runs", type=int, default=20)
    parser.add_argument("--floor", action="store_true",
                        help="time parts of a run too (interpreter, imports) in the same loop")
    parser.add_argument("--also", action="append", default=[], metavar="SCRIPT",
                        help="another upsun-migrator script (an older install) in the same loop")
    parser.add_argument("--only-single", action="store_true")
    parser.add_argument("--interleaved", action="store_true",
                        help="build, run and remove each bulk fleet in turn (the older order)")
    parser.add_argument("--per-repository", action="store_true",
                        help="only the CPU per repository inside one process")
    args = parser.parse_args()
    if args.per_repository:
        per_repository()
        return
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "migrator")],
                   check=True, stdout=subprocess.DEVNULL)  # what a normal install does
    cli = None if args.only_bulk else find_upsun_cli()
    if not args.only_single:
        compare_bulk(cli, args.repos, args.jobs, args.rounds, args.interleaved)
    if not args.only_bulk:
        single_shot(cli, args.single_runs, args.floor, tuple(args.also))


if __name__ == "__main__":
    main()
