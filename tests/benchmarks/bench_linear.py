"""Benchmark: `migrate` time per MB of one large legacy file, from 0.3 MB to the 5 MB bound.

    python tests/benchmarks/bench_linear.py                 # services, apps, routes
    python tests/benchmarks/bench_linear.py --kind apps --sizes 0.3 1 2.5 4.8 --runs 3
    python tests/benchmarks/bench_linear.py --profile services 4.8

Builds a repository whose `.platform/services.yaml` (`services`), `.platform/applications.yaml`
(`apps`) or `.platform/routes.yaml` (`routes`) has as many entries as fit the size, each with
what the rules rewrite (sizes and disks, unknown keys with comments, string relationships,
local mounts, null route ids, merges of an anchored block), and times the whole migration
(`pipeline.migrate`, in this process, best of `--runs`; the schema is not validated, so the
time is the engine's). Linear work shows as a flat time per MB. Not a test: timing assertions
have no place in the suite. Figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from migrator.migration.pipeline import migrate  # noqa: E402
from migrator.model import Settings  # noqa: E402 - after the path is set

APP = "name: app\ntype: 'php:8.4'\n"


def service(index: int) -> str:
    return (f"# service {index}\ndb{index}:\n    type: mariadb:11.4\n    disk: 2048\n"
            f"    size: S\n    configuration:\n        schemas: [main]\n        endpoints:\n"
            f"            mysql:\n                default_schema: main\n"
            f"                privileges: {{main: admin}}\n    legacy_key: x   # unknown\n\n")


def application(index: int) -> str:
    return (f"app{index}:\n    <<: *base\n    source:\n        root: app{index}\n"
            f"    size: M\n    relationships:\n        database: 'db:mysql'\n"
            f"    mounts:\n        'var':\n            source: local\n"
            f"            source_path: var{index}\n    crons:\n        job:\n"
            f"            spec: 'H * * * *'\n            cmd: 'php cron.php {index}'\n\n")


def route(index: int) -> str:
    return (f'"https://site{index}.{{default}}/":\n    <<: *route\n    id: ~\n'
            f"    cache: {{enabled: true, cookies: ['/^SESS/']}}\n\n")


def build(root: Path, kind: str, megabytes: float) -> int:
    """The repository for one size; returns how many entries the file holds."""
    (root / ".platform").mkdir(parents=True)
    limit, count = int(megabytes * 1024 * 1024), 0
    if kind == "services":
        head, entry, rel = "", service, ".platform/services.yaml"
        (root / ".platform.app.yaml").write_text(APP, encoding="utf-8")
    elif kind == "apps":
        head = ".base: &base\n    type: 'php:8.4'\n    disk: 512\n\n"
        entry, rel = application, ".platform/applications.yaml"
        (root / ".platform/services.yaml").write_text("db:\n    type: mariadb:11.4\n",
                                                       encoding="utf-8")
    else:
        head = ('"https://{default}/": &route\n    type: upstream\n    upstream: "app:http"\n'
                "    primary: ~\n\n")
        entry, rel = route, ".platform/routes.yaml"
        (root / ".platform.app.yaml").write_text(APP, encoding="utf-8")
    parts, size = [head], len(head)
    while True:
        text = entry(count)
        if size + len(text) > limit:
            break
        parts.append(text)
        size += len(text)
        count += 1
    (root / rel).write_text("".join(parts), encoding="utf-8")
    return count


def timed(root: Path, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        migrate(root, Settings())
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", choices=["services", "apps", "routes"], action="append")
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.3, 1.0, 2.5, 4.8])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", nargs=2, metavar=("KIND", "MB"))
    options = parser.parse_args()
    if options.profile:
        kind, megabytes = options.profile[0], float(options.profile[1])
        with tempfile.TemporaryDirectory() as scratch:
            build(Path(scratch) / "repo", kind, megabytes)
            cProfile.runctx("migrate(root, Settings())", globals(),
                            {"root": Path(scratch) / "repo"}, str(Path(scratch) / "profile"))
            pstats.Stats(str(Path(scratch) / "profile")).sort_stats("tottime").print_stats(20)
        return
    print(f"{'kind':<9} {'MB':>5} {'entries':>8} {'seconds':>8} {'s/MB':>6}")
    for kind in options.kind or ["services", "apps", "routes"]:
        for megabytes in options.sizes:
            with tempfile.TemporaryDirectory() as scratch:
                root = Path(scratch) / "repo"
                entries = build(root, kind, megabytes)
                seconds = timed(root, options.runs)
            print(f"{kind:<9} {megabytes:>5.1f} {entries:>8} {seconds:>8.2f} "
                  f"{seconds / megabytes:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
