"""`upsun-migrator bulk`: statuses, summaries, exit code, shards, timeouts, dry run."""

from __future__ import annotations

import csv
import json
import os
import re
import time
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from migrator.fleet import bulk
from migrator.migration import runner
from tests.conftest import Result, run, transcript, tree, write_files

APP = "name: app\ntype: 'php:8.4'\ndisk: 512\n"


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    root = tmp_path / "fleet"
    write_files(root / "good-one", {".platform.app.yaml": APP})
    write_files(root / "good-two", {".platform.app.yaml": APP.replace("app", "web"),
                                    ".platform/routes.yaml": "'https://{default}/':\n"
                                    "  type: upstream\n  upstream: 'web:http'\n"})
    write_files(root / "broken-yaml", {".platform.app.yaml": "name: [app\n"})
    write_files(root / "no-name", {".platform.app.yaml": "type: 'php:8.4'\n"})
    write_files(root / "done-already", {".upsun/config.yaml": "applications: {}\n"})
    fifo = root / "fifo-services"
    write_files(fifo, {".platform.app.yaml": APP})
    (fifo / ".platform").mkdir()
    os.mkfifo(fifo / ".platform" / "services.yaml")
    return root


def _rows(path: Path) -> dict[str, tuple[str, str]]:
    return {Path(r["repo"]).name: (r["status"], r["message"])
            for r in csv.DictReader(path.read_text(encoding="utf-8").splitlines())}


#: The figures of a run's duration: the totals line's and the CSV summary's seconds column.
TIMING = re.compile(r"in [0-9.]+ s \([0-9.]+/s\)")
SECONDS = re.compile(r"^([^,]*(?:,[^,]*){4}),[0-9.]+,", re.MULTILINE)


def test_fleet_statuses_summaries_and_exit_code(fleet: Path, tmp_path: Path,
                                                snapshot: SnapshotAssertion) -> None:
    summary, markdown = tmp_path / "summary.csv", tmp_path / "summary.md"
    result = run("bulk", fleet, "--jobs", "2", "--summary", summary, "--summary-md", markdown)
    assert (fleet / "good-one/.upsun/config.yaml").read_text().startswith("applications:\n")
    assert not (fleet / "broken-yaml/.upsun").exists()
    # two workers: the lines come in the order the repositories finish
    lines = "".join(sorted(result.stdout.splitlines(keepends=True)))
    shown = Result(result.exit_code, lines, TIMING.sub("in <seconds>", result.stderr))
    assert transcript(shown, fleet=fleet) == snapshot(name="run")
    csv_text = SECONDS.sub(r"\1,<seconds>,", summary.read_text(encoding="utf-8"))
    assert csv_text.replace(str(fleet), "<fleet>") == snapshot(name="summary.csv")
    assert markdown.read_text(encoding="utf-8").replace(str(fleet), "<fleet>") == snapshot(
        name="summary.md")


def test_json_lines_summary(fleet: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.jsonl"
    run("bulk", fleet / "good-one", fleet / "no-name", "--summary", summary)
    rows = [json.loads(line) for line in summary.read_text().splitlines()]
    assert [(Path(r["repo"]).name, r["status"], r["changes"], r["errors"]) for r in rows] == [
        ("good-one", "migrated", 2, 0), ("no-name", "failed", 0, 0)]
    assert set(rows[0]) == {"repo", "status", "changes", "warnings", "errors", "seconds",
                            "message"}


def test_all_good_exits_zero(fleet: Path) -> None:
    result = run("bulk", fleet / "good-one", fleet / "good-two", fleet / "done-already")
    assert result.exit_code == 0, result.output


def test_dry_run_writes_nothing_anywhere(fleet: Path) -> None:
    before = tree(fleet)
    result = run("bulk", "--dry-run", fleet)
    assert tree(fleet) == before
    assert "dry-run  " + str(fleet / "good-one") + ": 2 change(s)" in result.stdout


def test_shards_partition_the_fleet(fleet: Path) -> None:
    everything = bulk.find_repositories([fleet])
    slices = [bulk.shard(everything, k, 4) for k in range(1, 5)]
    assert sorted(r for s in slices for r in s) == everything
    assert sum(len(s) for s in slices) == len(everything) == 6


def test_shard_option(fleet: Path, tmp_path: Path) -> None:
    seen = []
    for k in (1, 2, 3):
        summary = tmp_path / f"s{k}.jsonl"
        run("bulk", fleet, "--dry-run", "--shard", f"{k}/3", "--summary", summary)
        seen += [json.loads(line)["repo"] for line in summary.read_text().splitlines()]
    assert sorted(seen) == bulk.find_repositories([fleet])


def test_bad_shard_is_a_usage_error(fleet: Path) -> None:
    result = run("bulk", fleet, "--shard", "4/3")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "Usage: upsun-migrator bulk [OPTIONS] [ROOT]...\n"
        "Try 'upsun-migrator bulk --help' for help.\n\n"
        "Error: Invalid value for '--shard': K must be between 1 and N\n")


def test_from_file(fleet: Path, tmp_path: Path) -> None:
    listing = tmp_path / "repos.txt"
    listing.write_text(f"# my fleet\n{fleet / 'good-one'}\n\n{fleet / 'good-two'}\n")
    assert bulk.find_repositories([], listing) == [str(fleet / "good-one"),
                                                   str(fleet / "good-two")]


def _misbehave_on(monkeypatch: pytest.MonkeyPatch, name: str, action: object) -> None:
    """Make the runner misbehave on one repository; forked workers inherit the patch."""
    real = runner.plan

    def patched(path: Path, *args: object) -> runner.Run:
        if path.name == name:
            action()  # type: ignore[operator]
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "plan", patched)


def test_hanging_repository_is_timed_out(fleet: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _misbehave_on(monkeypatch, "good-two", lambda: time.sleep(600))
    summary = tmp_path / "summary.csv"
    start = time.monotonic()
    result = run("bulk", fleet / "good-one", fleet / "good-two", "--timeout", "1", "--jobs", "2",
                 "--summary", summary)
    assert time.monotonic() - start < 30
    assert result.exit_code == 1
    assert _rows(summary) == {"good-one": ("migrated", ""),
                              "good-two": ("timeout", "timed out after 1 s")}


def test_crashing_worker_is_reported(fleet: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _misbehave_on(monkeypatch, "good-two", lambda: os._exit(9))
    summary = tmp_path / "summary.csv"
    result = run("bulk", fleet / "good-one", fleet / "good-two", "--summary", summary)
    assert result.exit_code == 1
    assert _rows(summary) == {"good-one": ("migrated", ""),
                              "good-two": ("crashed", "internal error: the worker process died")}


def _boom() -> None:
    raise ZeroDivisionError("boom")


def test_a_bug_in_one_repository_is_contained(fleet: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _misbehave_on(monkeypatch, "good-two", _boom)
    summary = tmp_path / "summary.csv"
    run("bulk", fleet / "good-one", fleet / "good-two", "--summary", summary)
    status, message = _rows(summary)["good-two"]
    assert status == "crashed"
    assert message.startswith("internal error: ZeroDivisionError: boom (test_bulk.py:")


@pytest.fixture
def row_of_three(tmp_path: Path) -> Path:
    """Three good repositories: with one job, the second and third wait in the worker's pipe
    (bulk.AHEAD) while the first runs."""
    root = tmp_path / "three"
    for name in ("a-first", "b-second", "c-third"):
        write_files(root / name, {".platform.app.yaml": APP})
    return root


def test_a_crash_does_not_lose_the_repositories_waiting_behind_it(
        row_of_three: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _misbehave_on(monkeypatch, "a-first", lambda: os._exit(9))
    summary = tmp_path / "summary.csv"
    result = run("bulk", row_of_three, "--jobs", "1", "--summary", summary)
    assert result.exit_code == 1
    assert _rows(summary) == {
        "a-first": ("crashed", "internal error: the worker process died"),
        "b-second": ("migrated", ""), "c-third": ("migrated", "")}


def test_a_timeout_does_not_lose_the_repositories_waiting_behind_it(
        row_of_three: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _misbehave_on(monkeypatch, "b-second", lambda: time.sleep(600))
    summary = tmp_path / "summary.csv"
    result = run("bulk", row_of_three, "--jobs", "1", "--timeout", "1", "--summary", summary)
    assert result.exit_code == 1
    assert _rows(summary) == {"a-first": ("migrated", ""),
                              "b-second": ("timeout", "timed out after 1 s"),
                              "c-third": ("migrated", "")}


def test_workers_are_recycled_without_losing_a_repository(
        row_of_three: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "RECYCLE_AFTER", 1)  # each repository in a worker of its own
    pids = tmp_path / "pids"
    real = runner.plan

    def noting_the_worker(path: Path, *args: object) -> runner.Run:
        with pids.open("a") as stream:
            stream.write(f"{os.getpid()}\n")
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "plan", noting_the_worker)
    summary = tmp_path / "summary.csv"
    result = run("bulk", row_of_three, "--jobs", "1", "--summary", summary)
    assert result.exit_code == 0, result.output
    assert set(_rows(summary).values()) == {("migrated", "")}
    assert len(set(pids.read_text().split())) == 3


def test_prepare_leaves_a_forked_worker_nothing_to_import(fleet: Path) -> None:
    """bulk calls pipeline.prepare before forking: a worker's first repository then imports
    nothing (checked in a fresh process, as the parent starts)."""
    import subprocess
    import sys

    script = ("import sys\nfrom pathlib import Path\n"
              "from migrator.cli.inputs import load_metadata, make_options\n"
              "from migrator.cli.run_each import Each, outcome\n"
              "from migrator.migration.pipeline import prepare\n"
              "metadata = load_metadata(None, None)\nprepare(metadata)\n"
              "before = set(sys.modules)\n"
              "options = make_options(False, False, 'storage', False, False, False)\n"
              "done = outcome(sys.argv[1], Each(options), metadata)\n"
              "print(done.status.value, sorted(set(sys.modules) - before))\n")
    found = subprocess.run([sys.executable, "-c", script, str(fleet / "good-two")],
                           capture_output=True, text=True, check=True,
                           env={**os.environ, "UPSUN_MIGRATOR_OFFLINE": "1"})
    assert found.stdout == "migrated []\n"


def test_ctrl_c_finishes_what_was_sent_and_reports_the_rest(tmp_path: Path) -> None:
    """A real process and a real SIGINT: every repository is either migrated and reported, or
    untouched and counted as not processed; none is half-written or lost."""
    import signal
    import subprocess
    import sys

    fleet = tmp_path / "fleet"
    names = [f"repo-{n:03}" for n in range(600)]
    for name in names:
        write_files(fleet / name, {".platform.app.yaml": APP})
    process = subprocess.Popen([sys.executable, "-m", "migrator", "bulk", str(fleet), "--jobs",
                                "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any((fleet / name / ".upsun").exists() for name in names[:50]):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.005)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "\ninterrupted: finishing the repositories in progress\n" in stderr
    left = int(stderr.rsplit("not processed: ", 1)[1].split()[0])
    reported = {Path(line.split()[1].rstrip(":")).name for line in stdout.splitlines()}
    assert left > 0 and len(reported) + left == len(names)
    written = {name for name in names if (fleet / name / ".upsun").exists()}
    assert written == reported
    expected = (fleet / sorted(written)[0] / ".upsun/config.yaml").read_text()
    assert all((fleet / name / ".upsun/config.yaml").read_text() == expected for name in written)
    assert not [p for p in fleet.rglob("*") if p.name.endswith(".tmp")]
