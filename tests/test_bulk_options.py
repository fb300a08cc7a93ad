"""`bulk` takes the `migrate` options (issue 25 item 3): each means something for a fleet or is
refused saying why; `--exclude`, `--report-dir`, `--check`, `--output-format`, `--summary`."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrator.fleet import bulk, summary
from migrator.fleet.outcome import Outcome
from migrator.migration.runner import Status
from tests.conftest import run, tree, write_files

APP = "name: app\ntype: 'php:8.4'\ndisk: 512\n"
RETIRED = "name: app\ntype: 'php:7.4'\n"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    root = tmp_path / "work"
    write_files(root / "acme/shop", {".platform.app.yaml": APP})
    write_files(root / "acme/old-archive", {".platform.app.yaml": APP})
    write_files(root / "beta/blog", {".platform.app.yaml": RETIRED})
    write_files(root / "beta/broken", {".platform.app.yaml": "name: [app\n"})
    return root


def usage(message: str) -> str:
    return ("Usage: upsun-migrator bulk [OPTIONS] [ROOT]...\n"
            f"Try 'upsun-migrator bulk --help' for help.\n\nError: {message}\n")


@pytest.mark.parametrize(("args", "message"), [
    (("--report", "r.md"), "--report cannot go with bulk: it names one file, and bulk writes a "
                           "report per repository: use --report-dir DIR (DIR/<org>/<repo>.md)"),
    (("--json", "r.json"), "--json cannot go with bulk: it names one file, and bulk writes a "
                           "report per repository: use --report-dir DIR (DIR/<org>/<repo>.json)"),
    (("--diff",), "--diff cannot go with bulk: bulk prints a line per repository, not diffs: "
                  "use `upsun-migrator migrate --check --diff REPOSITORY` for one, or --dry-run "
                  "--report-dir DIR for every report"),
    (("--check", "--commit"), "--check writes nothing and checks only the configuration; it "
                              "cannot go with --commit"),
    (("--check", "--report-dir", "r"), "--check writes nothing and checks only the "
                                       "configuration; it cannot go with --report-dir"),
    (("--check", "--code"), "--check writes nothing and checks only the configuration; it "
                            "cannot go with --code"),
    (("--resources-script", "../x.sh"), "Invalid value for '--resources-script': '../x.sh': "
                                        "give a path inside each repository, relative to it "
                                        "(no `..`, not absolute)"),
    (("--resources-script", "/tmp/x.sh"), "Invalid value for '--resources-script': "
                                          "'/tmp/x.sh': give a path inside each repository, "
                                          "relative to it (no `..`, not absolute)"),
    (("--commit-message", "{file}"), "--commit-message needs --commit"),
    (("--summary", "s.txt"), "Invalid value for '--summary': use a .jsonl, .json or .csv file"),
])
def test_what_has_no_meaning_for_a_fleet_is_refused_saying_why(
        work: Path, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    template = write_files(tmp_path, {"message.txt": "$subject\n"}) / "message.txt"
    before = tree(work)
    result = run("bulk", work, *(a.format(file=template) for a in args))
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", usage(message))
    assert tree(work) == before


def test_the_refused_options_are_not_listed_in_help() -> None:
    shown = run("bulk", "--help").stdout
    assert "--report-dir DIR" in shown and "--exclude GLOB" in shown
    assert "  --report " not in shown and "  --json " not in shown and "--diff" not in shown


def test_exclude_leaves_repositories_out(work: Path, tmp_path: Path) -> None:
    summary = tmp_path / "s.jsonl"
    result = run("bulk", work, "--dry-run", "--exclude", "*-archive", "--exclude", "beta/br*",
                 "--summary", summary)
    assert result.exit_code == 0, result.output
    repos = [json.loads(line)["repo"] for line in summary.read_text().splitlines()]
    assert repos == [str(work / "acme/shop"), str(work / "beta/blog")]


@given(st.lists(st.lists(st.sampled_from(["acme", "beta", "shop", "old-x", "a.b"]),
                         min_size=1, max_size=3), min_size=1, max_size=6),
       st.lists(st.sampled_from(["acme", "*-x", "beta/*", "*", "a.b", "shop", "*/shop"]),
                max_size=3))
def test_excluded_matches_the_path_or_a_folder_on_its_way(paths: list[list[str]],
                                                          globs: list[str]) -> None:
    """A repository is left out exactly when a glob matches its path relative to its ROOT,
    or one of that path's leading folders, or its path as given, or one of those."""
    import fnmatch

    for parts in paths:
        name, shown = "/".join(parts), "work/" + "/".join(parts)
        prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
        prefixes += ["/".join(["work", *parts][:n]) for n in range(1, len(parts) + 2)]
        expected = any(fnmatch.fnmatchcase(p, g) for p in prefixes for g in globs)
        assert bulk.excluded(name, shown, tuple(globs)) is expected


def test_summary_json_is_an_array_and_jsonl_lines(work: Path, tmp_path: Path) -> None:
    """Issue 25 item 8: `.json` is one JSON document, `.jsonl` a document per line."""
    array, lines = tmp_path / "s.json", tmp_path / "s.jsonl"
    run("bulk", work, "--dry-run", "--summary", array)
    run("bulk", work, "--dry-run", "--summary", lines)
    rows = json.loads(array.read_text())
    assert isinstance(rows, list) and len(rows) == 4

    def timeless(row: dict[str, object]) -> dict[str, object]:
        return {key: value for key, value in row.items() if key != "seconds"}

    assert [timeless(row) for row in rows] == [timeless(json.loads(line))
                                               for line in lines.read_text().splitlines()]


def test_output_format_json_is_a_row_per_line(work: Path) -> None:
    result = run("bulk", work, "--dry-run", "--output-format", "json", "--jobs", "1")
    rows = sorted((json.loads(line) for line in result.stdout.splitlines()),
                  key=lambda row: row["repo"])
    assert [(Path(r["repo"]).name, r["status"]) for r in rows] == [
        ("old-archive", "dry-run"), ("shop", "dry-run"), ("blog", "dry-run"),
        ("broken", "failed")]


def test_output_format_github_annotates_failures_and_findings(work: Path) -> None:
    result = run("bulk", work, "--dry-run", "--output-format", "github", "--ignore", "UPS090")
    assert result.exit_code == 1
    assert sorted(result.stdout.splitlines()) == [
        f"::error title=upsun-migrator::{work}/beta/broken: failed: .platform.app.yaml:2:1: "
        "did not find expected ',' or ']' (while parsing a flow sequence started at line 1)",
        f"::warning title=upsun-migrator::{work}/beta/blog: 0 error(s), 1 warning(s) in its "
        "report"]


def test_select_and_ignore_reach_every_repository(work: Path, tmp_path: Path) -> None:
    summary = tmp_path / "s.md"
    run("bulk", work / "beta/blog", "--dry-run", "--summary-md", summary)
    assert "| UPS090 | both-formats |" in summary.read_text()
    run("bulk", work / "beta/blog", "--dry-run", "--ignore", "UPS090", "--summary-md", summary)
    assert "UPS090" not in summary.read_text() and "| UPS201 |" in summary.read_text()
    run("bulk", work / "beta/blog", "--dry-run", "--select", "UPS090", "--summary-md", summary)
    assert "UPS201" not in summary.read_text() and "| UPS090 |" in summary.read_text()


def test_check_exits_1_while_a_migration_is_pending(work: Path) -> None:
    shop = work / "acme/shop"
    before = tree(work)
    pending = run("bulk", shop, "--check")
    assert (pending.exit_code, pending.stdout) == (
        1, f"pending  {shop}: would create .upsun/config.yaml\n")
    assert tree(work) == before
    assert run("bulk", shop).exit_code == 0
    done = run("bulk", shop, "--check")
    assert (done.exit_code, done.stdout) == (
        0, f"skipped  {shop}: up to date (.upsun/ is what migrating writes)\n")


def test_check_strict_refuses_error_level_findings(tmp_path: Path) -> None:
    repo = write_files(tmp_path / "old", {".platform.app.yaml": "name: app\ntype: 'php:9.9'\n"})
    result = run("bulk", repo, "--check", "--strict")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"refused  {repo}: ")


def test_a_folder_without_platform_sh_is_skipped(tmp_path: Path) -> None:
    """Issue 25 item 2: no exit 1 for it, with or without --check. Legacy files without any
    application fail a migration; `--check` says of them what `migrate --check` says."""
    from tests.gitrepo import init_repo

    docs = init_repo(tmp_path / "docs", {"README.md": "# docs\n"})
    odd = write_files(tmp_path / "odd", {".platform/routes.yaml": "{}\n"})
    for args in ((), ("--check",), ("--dry-run",)):
        result = run("bulk", docs, *args)
        assert (result.exit_code, result.stdout) == (
            0, f"skipped  {docs}: no Platform.sh configuration\n"), args
    for args in ((), ("--dry-run",)):
        failed = run("bulk", odd, *args)
        assert (failed.exit_code, failed.stdout) == (
            1, f"failed   {odd}: no legacy Platform.sh application found (looked for "
               ".platform.app.yaml and .platform/applications.yaml)\n"), args
    checked = run("bulk", odd, "--check")
    assert (checked.exit_code, checked.stdout) == (
        0, f"skipped  {odd}: nothing to migrate (no legacy Platform.sh configuration)\n")


def test_report_dir_names_each_report_after_its_path_under_the_root(work: Path,
                                                                    tmp_path: Path) -> None:
    reports = tmp_path / "out/reports"
    result = run("bulk", work, work / "acme/shop", "--dry-run", "--report-dir", reports)
    assert result.exit_code == 1  # broken
    assert sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*.*")) == [
        "acme/old-archive.json", "acme/old-archive.md", "acme/shop.json", "acme/shop.md",
        "beta/blog.json", "beta/blog.md"]
    assert not list(work.rglob("*.md"))  # nothing in the repositories


def test_a_root_that_is_a_repository_is_named_after_its_folder(work: Path,
                                                                tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    run("bulk", work / "beta/blog", "--dry-run", "--report-dir", reports)
    assert sorted(p.name for p in reports.iterdir()) == ["blog.json", "blog.md"]


def test_two_repositories_with_one_report_name_are_refused(work: Path, tmp_path: Path) -> None:
    write_files(tmp_path / "other/shop", {".platform.app.yaml": APP})
    result = run("bulk", work / "acme/shop", tmp_path / "other/shop", "--report-dir",
                 tmp_path / "r")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"Error: --report-dir: {tmp_path}/other/shop and {work}/acme/shop would both write "
        f"{tmp_path}/r/shop.md; give them as ROOTs of their own folders, or run bulk once for "
        "each\n")
    assert not (work / "acme/shop/.upsun").exists()


def test_no_report_is_written_through_a_link(work: Path, tmp_path: Path) -> None:
    """A link below the report folder (here planted where an org's folder goes) is refused for
    that repository; nothing is written where it leads."""
    outside = tmp_path / "outside"
    outside.mkdir()
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "beta").symlink_to(outside)
    summary = tmp_path / "s.jsonl"
    result = run("bulk", work, "--dry-run", "--report-dir", reports, "--summary", summary)
    assert result.exit_code == 1
    rows = {Path(r["repo"]).name: r for r in map(json.loads, summary.read_text().splitlines())}
    assert rows["blog"]["status"] == "failed"
    assert rows["blog"]["message"] == f"{reports}/beta: is a symbolic link; refusing to write " \
                                      "a report in it"
    assert list(outside.iterdir()) == []
    assert (reports / "acme/shop.md").is_file()


def test_a_report_dir_inside_a_root_follows_no_link_there(work: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (work / "reports").symlink_to(outside)  # as a repository could plant it
    before = tree(work)
    result = run("bulk", work, "--dry-run", "--report-dir", work / "reports/new")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"error: {work}/reports/.upsun-migrator-probe: reports is a "
                             "symbolic link inside the repository; refusing to write the "
                             "output through it\n")
    assert list(outside.iterdir()) == []
    assert tree(work) == before


def test_resources_script_is_written_in_each_migrated_repository(work: Path) -> None:
    result = run("bulk", work / "acme/shop", "--resources-script", "deploy/resources.sh")
    assert result.exit_code == 0, result.output
    script = work / "acme/shop/deploy/resources.sh"
    assert script.read_text().startswith("#!/bin/sh\n")
    assert os.access(script, os.X_OK)
    assert "upsun resources:set" in script.read_text()


def test_resources_script_through_a_link_is_refused(work: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (work / "acme/shop/deploy").symlink_to(outside)
    result = run("bulk", work / "acme/shop", "--resources-script", "deploy/resources.sh")
    assert result.exit_code == 1
    assert result.stdout == (f"refused  {work}/acme/shop: deploy: is a symbolic link; refusing "
                             "to write deploy/resources.sh through it\n")
    assert list(outside.iterdir()) == []
    assert not (work / "acme/shop/.upsun").exists()


def test_code_checks_each_repository_s_python(work: Path, tmp_path: Path) -> None:
    write_files(work / "acme/shop", {"app.py": "from platformshconfig import Config\n\n"
                                               "config = Config()\nB = config.branch\n"})
    reports = tmp_path / "reports"
    result = run("bulk", work / "acme", "--dry-run", "--code", "--report-dir", reports)
    assert result.exit_code == 0, result.output
    report = json.loads((reports / "shop.json").read_text())  # named under the ROOT acme
    assert {f["file"] for f in report["code"]} == {"app.py"}
    assert not (work / "acme/shop/app.py").read_text().startswith("import os")  # check mode


@pytest.mark.parametrize(("done_as", "shown"), [
    (Status.MIGRATED, "migrated 1"), (Status.PLANNED, "would migrate 1"),
    (Status.PENDING, "pending 1")])
def test_the_bar_says_what_the_run_does(done_as: Status, shown: str) -> None:
    """Issue 25 item 1: a dry run's bar counts what would be migrated, --check's what is
    pending."""
    bar = io.StringIO()
    progress = summary.Progress(3, done_as, bar, None)
    progress(Outcome("a", done_as))
    progress(Outcome("b", Status.REFUSED, message="no"))
    progress(Outcome("c", Status.CRASHED, message="bug"))
    progress.finish()
    assert bar.getvalue().rsplit("\r", 1)[1] == (
        f"[##############################] 3/3 {shown} skipped 0 refused 1 failed 1 ETA 0s"
        "\033[K\n")
