"""The `migrate` command: dry run, --force, --remove-legacy, --local-mounts, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run, tree, write_files

APP = """\
name: app
type: 'php:8.3'
mounts:
    'web/files':
        source: local
        source_path: files
"""
SERVICES = "db:\n    type: 'mariadb:11.4'\n    configuration:\n        vcl: !include {type: string, path: x.vcl}\n"
EXPECTED = """\
applications:
    app:
        type: 'php:8.3'
        mounts:
            'web/files':
                source: storage
                source_path: files
"""


def test_migrate_writes_config_and_leaves_legacy_files(project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP})
    result = run("migrate", project)
    assert result.exit_code == 0
    assert (project / ".upsun/config.yaml").read_text() == EXPECTED
    assert (project / ".platform.app.yaml").read_text() == APP
    assert result.stdout.startswith("Migrated: 1 application(s), 0 worker(s), 0 service(s), "
                                    "0 route(s); 2 change(s), 0 error(s), 3 warning(s)\n")
    assert "Remove the legacy files before deploying (.platform.app.yaml)" in result.stdout


def test_dry_run_prints_diff_and_writes_nothing(project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP})
    before = tree(project)
    result = run("migrate", "--dry-run", project)
    assert result.exit_code == 0
    assert tree(project) == before
    diff = "".join(f"+{line}\n" for line in EXPECTED.splitlines())
    assert result.stdout.startswith(
        "--- /dev/null\n+++ b/.upsun/config.yaml\n@@ -0,0 +1,7 @@\n" + diff + "Would migrate: ")


def test_dry_run_shows_removals_with_remove_legacy(project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP})
    result = run("migrate", "--dry-run", "--remove-legacy", project)
    assert "--- a/.platform.app.yaml\n+++ /dev/null\n@@ -1,6 +0,0 @@\n-name: app\n" in result.stdout
    assert (project / ".platform.app.yaml").exists()


def test_force_replaces_and_second_run_changes_nothing(project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP, ".upsun/config.yaml": "old: true\n"})
    assert run("migrate", "--force", project).exit_code == 0
    first = tree(project)
    assert (project / ".upsun/config.yaml").read_text() == EXPECTED
    assert run("migrate", "--force", project).exit_code == 0
    assert tree(project) == first
    up_to_date = ".: up to date (.upsun/ is what migrating writes)\n"  # run in the project
    for args in ((), ("--dry-run",), ("--force",)):
        again = run("migrate", *args, project)
        assert (again.exit_code, again.stdout, again.stderr) == (0, "", up_to_date), args
    assert tree(project) == first


def test_running_twice_is_a_no_op_and_remove_legacy_needs_no_force(project: Path) -> None:
    """Issue 23 item 11: the second run is not "already exists; pass --force"; removing the
    legacy files afterwards does not replace the config, so it does not need --force either."""
    write_files(project, {".platform.app.yaml": APP})
    assert run("migrate", project).exit_code == 0
    first = tree(project)
    again = run("migrate", project)
    assert (again.exit_code, again.stderr) == (0, ".: up to date (.upsun/ is what "
                                                  "migrating writes)\n")
    assert tree(project) == first
    removed = run("migrate", "--remove-legacy", project)
    assert removed.exit_code == 0, removed.stderr
    assert sorted(tree(project)) == [".upsun/", ".upsun/config.yaml"]
    assert tree(project)[".upsun/config.yaml"] == first[".upsun/config.yaml"]


def test_a_changed_config_still_needs_force(project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP})
    assert run("migrate", project).exit_code == 0
    (project / ".platform.app.yaml").write_text(APP.replace("php:8.3", "php:8.4"))
    refused = run("migrate", project)
    assert (refused.exit_code, refused.stderr) == (
        1, "error: .upsun/config.yaml: already exists; pass --force to replace it\n")


def test_local_mounts_instance(project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP})
    assert run("migrate", "--local-mounts", "instance", project).exit_code == 0
    assert "source: instance\n" in (project / ".upsun/config.yaml").read_text()


def test_remove_legacy_deletes_migrated_files_and_copies_includes(project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP, ".platform/services.yaml": SERVICES,
                          ".platform/x.vcl": "vcl 4.0;\n", "index.php": "<?php\n"})
    result = run("migrate", "--remove-legacy", project)
    assert result.exit_code == 0, result.stderr
    assert sorted(tree(project)) == [".upsun/", ".upsun/config.yaml", ".upsun/x.vcl",
                                     "index.php"]
    assert (project / ".upsun/x.vcl").read_text() == "vcl 4.0;\n"


def test_already_migrated_repository(project: Path) -> None:
    write_files(project, {".upsun/config.yaml": EXPECTED})
    result = run("migrate", project)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == ".: already migrated (.upsun/ exists and no legacy files remain)\n"


def usage_error(command: str, arguments: str, message: str) -> str:
    """Click's usage error, exactly: the usage line, where to find help, the error."""
    return (f"Usage: upsun-migrator {command} [OPTIONS] {arguments}\n"
            f"Try 'upsun-migrator {command} --help' for help.\n\nError: {message}\n")


def test_usage_error_is_exit_2(project: Path) -> None:
    result = run("migrate", "--local-mounts", "shared", project)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", usage_error(
        "migrate", "[PATH]",
        "Invalid value for '--local-mounts': 'shared' is not one of 'storage', 'instance'."))
    assert not (project / ".upsun").exists()


def test_python_dash_m_entry_point(project: Path) -> None:
    import subprocess
    import sys

    write_files(project, {".platform.app.yaml": APP})
    done = subprocess.run([sys.executable, "-m", "migrator", "migrate", "--dry-run", str(project)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout.startswith("--- /dev/null\n+++ b/.upsun/config.yaml\n")


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from migrator.cli.printing import use_color

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(Terminal()) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(Terminal()) is False
    monkeypatch.setenv("NO_COLOR", "")  # no-color.org: only a non-empty value turns colour off
    assert use_color(Terminal()) is True


def test_terminal_report_in_colour(project: Path) -> None:
    from migrator import report
    from migrator.migration.pipeline import migrate
    from migrator.model import Settings
    from migrator.report import render

    write_files(project, {".platform.app.yaml": APP})
    built = report.build(migrate(project, Settings()), written=True, removed_legacy=False)
    coloured = render.terminal(built, color=True)
    assert coloured.startswith("\033[1mMigrated: 1 application(s)")
    assert "\033[33mwarning\033[0m  UPS003" in coloured
    assert "\033" not in render.terminal(built, color=False)


def test_discovery_skips_git_ignored_and_vendored_folders(project: Path) -> None:
    import subprocess

    write_files(project, {
        ".platform.app.yaml": "name: app\ntype: 'php:8.4'\n",
        ".gitignore": "build/\n",
        "build/.platform.app.yaml": "name: built\ntype: 'php:8.4'\n",
        "vendor/pkg/.platform.app.yaml": "name: vendored\ntype: 'php:8.4'\n",
        ".platform/local/project.yaml": "id: abc\n",
        "api/.platform.app.yaml": "name: api\ntype: 'python:3.13'\n",
    })
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    assert run("migrate", project).exit_code == 0
    assert (project / ".upsun/config.yaml").read_text() == (
        "applications:\n  app:\n    type: 'php:8.4'\n  api:\n    type: 'python:3.13'\n"
        "    source:\n      root: api\n")


def test_workers_example_resources_command(tmp_path: Path) -> None:
    import shutil

    from tests.conftest import REPO

    root = tmp_path / "workers"
    shutil.copytree(REPO / "examples" / "workers", root)
    script = tmp_path / "resources.sh"
    result = run("migrate", "--dry-run", root, "--resources-script", script)
    sizes = "--size app--queue:0.5,app--mail:0.5 --disk app:2048,mysqldb:2048,rabbitqueue:512"
    assert f"\n  upsun resources:set -e <production environment> {sizes}\n" in result.stdout
    assert "app--queue (workers/.platform.app.yaml:42): legacy size M = 0.40 CPU, 128 MB, " \
           "disk 512 -> " \
           "0.5 CPU, 224 MB RAM (HIGH_CPU)\n    legacy disk 512 MB not carried, workers use the " \
           "app's disk\n" in result.stdout
    assert "    legacy disk 256 MB not carried, workers use the app's disk\n" in result.stdout
    text = script.read_text()
    assert text.endswith(f'\nupsun resources:set -e "$environment" {sizes}\n')
    assert 'if [ "$#" -ne 1 ]; then echo "usage: $0 PRODUCTION_ENVIRONMENT" >&2; exit 2; fi\n' \
        'environment=$1\n' in text
    assert script.stat().st_mode & 0o111


def test_the_resources_script_runs_the_command_on_the_environment_it_is_given(
        tmp_path: Path) -> None:
    """Run by sh with a stand-in `upsun` that records its arguments: without an environment it
    stops with its usage (exit 2) and calls nothing; with one, it names it (`-e`) and says which
    containers it leaves alone."""
    import shutil
    import subprocess

    from tests.conftest import REPO

    root = tmp_path / "workers"
    shutil.copytree(REPO / "examples" / "workers", root)
    script = tmp_path / "resources.sh"
    assert run("migrate", "--dry-run", root, "--resources-script", script).exit_code == 0
    bin_dir, calls = tmp_path / "bin", tmp_path / "calls"
    bin_dir.mkdir()
    (bin_dir / "upsun").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> {calls}\n')
    (bin_dir / "upsun").chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    alone = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True,
                           check=False)
    assert (alone.returncode, alone.stderr) == (2, f"usage: {script} PRODUCTION_ENVIRONMENT\n")
    assert not calls.exists()
    done = subprocess.run(["sh", str(script), "prod env"], env=env, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert calls.read_text().splitlines() == [
        "resources:set", "-e", "prod env", "--size", "app--queue:0.5,app--mail:0.5", "--disk",
        "app:2048,mysqldb:2048,rabbitqueue:512"]
    assert done.stderr == ("Not sized here (no legacy size): app, mysqldb, rabbitqueue; disks "
                           "set only for: app, mysqldb, rabbitqueue. The others keep what Upsun "
                           "gave them; with --resources-init=manual, resources:set asks for "
                           "them.\n")


def test_environment_names_the_command_and_bad_names_are_usage_errors(
        project: Path, tmp_path: Path) -> None:
    write_files(project, {".platform.app.yaml": APP + "disk: 512\n"})
    script = tmp_path / "r.sh"
    result = run("migrate", "--dry-run", "--environment", "main", project,
                 "--resources-script", script)
    assert "\n  upsun resources:set -e main --disk app:512\n" in result.stdout
    assert "<production environment>" not in result.stdout
    assert script.read_text().endswith("\nupsun resources:set -e main --disk app:512\n")
    assert "PRODUCTION_ENVIRONMENT" not in script.read_text()
    for bad in ("", "a b", "a\nb"):
        refused = run("migrate", "--dry-run", "--environment", bad, project)
        assert (refused.exit_code, refused.stdout, refused.stderr) == (2, "", usage_error(
            "migrate", "[PATH]",
            f"Invalid value for '--environment': {bad!r} is not an environment name"))


def test_select_and_ignore_run_and_report_only_those_codes(project: Path, tmp_path: Path) -> None:
    write_files(project, {".platform.app.yaml": APP + "disk: 512\n"})
    report = tmp_path / "r.json"
    result = run("migrate", "--dry-run", "--ignore", "UPS090,UPS2", "--json", report, project)
    assert result.exit_code == 0, result.stderr
    data = json.loads(report.read_text())
    assert sorted({c["code"] for c in data["changes"]} | {f["code"] for f in data["findings"]}) \
        == ["UPS001", "UPS003", "UPS005"]
    selected = run("migrate", "--dry-run", "--select", "UPS003", "--json", report, project)
    assert selected.exit_code == 0, selected.stderr  # UPS005 still removes `disk`, unreported
    data = json.loads(report.read_text())
    assert sorted({c["code"] for c in data["changes"]} | {f["code"] for f in data["findings"]}) \
        == ["UPS003"]
    assert "\n+        disk: 512\n" not in selected.stdout
    assert "\n+        # resources: upsun resources:set --disk app:512 (legacy disk: 512 MB)\n" \
        in selected.stdout


def test_select_refuses_a_code_that_does_not_exist(project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP})
    result = run("migrate", "--select", "UPS03X", project)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", usage_error(
        "migrate", "[PATH]", "Invalid value for '--select': no code starts with UPS03X"))


def test_version_and_command_listing() -> None:
    assert (run("--version").exit_code, run("--version").stdout) == (0, "upsun-migrator 0.1.0\n")
    listing = run("--help")
    assert (listing.exit_code, listing.stderr) == (0, "")
    assert listing.stdout.startswith(
        "Usage: upsun-migrator [OPTIONS] COMMAND [ARGS]...\n\n"
        "  Migrate legacy Platform.sh configuration to Upsun.\n\n")
    assert "\nCommands:\n  migrate   Write PATH/.upsun/config.yaml from the legacy Platform.sh " \
        "files of\n            PATH.\n  codemod   Find (and rewrite) Python code" in listing.stdout
    missing = run()  # click shows the help, on stderr, as a usage error
    assert (missing.exit_code, missing.stdout) == (2, "")
    assert missing.stderr == listing.stdout


def test_options_may_follow_and_precede_the_path(project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP})
    before = run("migrate", "--dry-run", "--local-mounts", "instance", project)
    after = run("migrate", project, "--local-mounts", "instance", "--dry-run")
    assert before.exit_code == 0 and before.stdout == after.stdout
    assert not (project / ".upsun").exists()


def test_bulk_roots_around_options(tmp_path: Path) -> None:
    for name in ("one", "two"):
        write_files(tmp_path / name, {".platform.app.yaml": APP})
    result = run("bulk", tmp_path / "one", "--jobs", "1", tmp_path / "two", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith("): 2 dry-run\n")
    assert not (tmp_path / "one/.upsun").exists() and not (tmp_path / "two/.upsun").exists()


@pytest.mark.parametrize(("args", "usage", "error"), [
    (("codemod", "{missing}"), "[PATH]...",
     "Invalid value for '[PATH]...': Path '{missing}' does not exist."),
    (("migrate", "{file}"), "[PATH]", "Invalid value for '[PATH]': Directory '{file}' is a file."),
    (("migrate", "--schema", "{folder}"), "[PATH]",
     "Invalid value for '--schema': File '{folder}' is a directory."),
    (("bulk", "--from-file", "{missing}"), "[ROOT]...",
     "Invalid value for '--from-file': File '{missing}' does not exist."),
    (("bulk", "--summary", "{folder}/s.txt", "{folder}"), "[ROOT]...",
     "Invalid value for '--summary': use a .jsonl, .json or .csv file"),
    (("bulk", "--jobs", "0", "{folder}"), "[ROOT]...",
     "Invalid value for '--jobs': 0 is not in the range x>=1."),
    (("bulk", "--timeout", "0.05", "{folder}"), "[ROOT]...",
     "Invalid value for '--timeout': 0.05 is not in the range x>=0.1."),
    (("bulk", "--shard", "2-8", "{folder}"), "[ROOT]...",
     "Invalid value for '--shard': expected K/N, for example 2/8"),
    (("bulk", "--dry-run"), "[ROOT]...", "give at least one ROOT or --from-file"),
    (("codemod", "--diff", "--write", "{folder}"), "[PATH]...", "--diff cannot go with --write"),
])
def test_wrong_values_are_usage_errors_naming_the_option(
        tmp_path: Path, args: tuple[str, ...], usage: str, error: str) -> None:
    places = {"missing": tmp_path / "missing", "file": tmp_path / "f.txt", "folder": tmp_path}
    places["file"].write_text("x\n")
    result = run(*(a.format(**places) for a in args))
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", usage_error(args[0], usage, error.format(**places)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt"]


def test_a_mistyped_option_or_command_gets_a_suggestion(project: Path) -> None:
    option = run("migrate", "--dry-rn", project)
    assert (option.exit_code, option.stdout, option.stderr) == (2, "", usage_error(
        "migrate", "[PATH]", "No such option '--dry-rn'. Did you mean '--dry-run'?"))
    command = run("migrat", project)
    assert (command.exit_code, command.stdout) == (2, "")
    assert command.stderr.endswith("Error: No such command 'migrat'. Did you mean 'migrate'?\n")


@pytest.mark.parametrize("prefix", ["--dry", "--rem", "--local", "--out"])
def test_a_long_option_is_never_abbreviated(project: Path, prefix: str) -> None:
    """argparse took `--dry` for `--dry-run`: a prefix is refused, nothing is written."""
    write_files(project, {".platform.app.yaml": APP})
    result = run("migrate", prefix, project)
    assert (result.exit_code, result.stdout) == (2, "")
    assert f"Error: No such option '{prefix}'." in result.stderr
    assert not (project / ".upsun").exists()


#: The line for each shell's start-up file, as the README gives it (click's documented form).
COMPLETION = {
    "bash": 'eval "$(_UPSUN_MIGRATOR_COMPLETE=bash_source upsun-migrator)"',
    "zsh": 'eval "$(_UPSUN_MIGRATOR_COMPLETE=zsh_source upsun-migrator)"',
    "fish": "_UPSUN_MIGRATOR_COMPLETE=fish_source upsun-migrator | source",
}


def test_the_readme_shows_how_to_enable_completion() -> None:
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert all(f"\n    {line}\n" in readme for line in COMPLETION.values())


@pytest.mark.parametrize(("words", "expected"), [
    ("upsun-migrator mi", ["migrate"]),
    ("upsun-migrator ", ["migrate", "codemod", "bulk", "validate", "metadata"]),
    ("upsun-migrator migrate --dry", ["--dry-run"]),
    ("upsun-migrator migrate --local-mounts ", ["storage", "instance"]),
    ("upsun-migrator codemod --output-format g", ["github"]),
    ("upsun-migrator bulk --sh", ["--shard"]),
])
def test_shell_completion_in_bash(words: str, expected: list[str], tmp_path: Path) -> None:
    """The script the README tells bash users to load, run by bash on a command line: the
    completions it offers (the console script beside the interpreter answers)."""
    import os
    import subprocess
    import sys

    bin_dir = Path(sys.executable).parent
    line = f"{words}''" if words.endswith(" ") else words  # '': the new word being completed
    script = (f"{COMPLETION['bash']}\nCOMP_WORDS=({line})\n"
              "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
              "_upsun_migrator_completion upsun-migrator\n"
              'printf "%s\\n" "${COMPREPLY[@]}"\n')
    found = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False,
                           env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"},
                           cwd=tmp_path)
    assert (found.returncode, found.stderr) == (0, "")
    assert found.stdout.splitlines() == expected


@pytest.mark.parametrize(("shell", "start"), [
    ("bash", "_upsun_migrator_completion() {\n"),
    ("zsh", "#compdef upsun-migrator\n"),
    ("fish", "function _upsun_migrator_completion;\n"),
])
def test_the_completion_script_of_each_shell(shell: str, start: str) -> None:
    """What the README's line for each shell loads (the installed console script prints it)."""
    import os
    import subprocess
    import sys

    found = subprocess.run([str(Path(sys.executable).parent / "upsun-migrator")],
                           capture_output=True, text=True, check=False,
                           env={**os.environ, "_UPSUN_MIGRATOR_COMPLETE": f"{shell}_source"})
    assert (found.returncode, found.stderr) == (0, "")
    assert found.stdout.startswith(start)
    assert f"_UPSUN_MIGRATOR_COMPLETE={shell}_complete" in found.stdout


@pytest.mark.parametrize(("command", "sections"), [
    ("migrate", ["Migration", "Upsun metadata", "Output", "CI gate", "Git (--commit)",
                 "Selection", "Other"]),
    ("bulk", ["Fleet", "Migration", "Upsun metadata", "Output", "CI gate", "Git (--commit)",
              "Selection", "Other"]),
    ("codemod", ["Mode", "Rewrite", "Selection", "Output", "Other"]),
    ("validate", ["Upsun metadata", "Output", "Other"]),
    ("metadata", ["Upsun metadata", "Other"]),
])
def test_each_command_help_has_sections_and_examples(command: str, sections: list[str]) -> None:
    """Options in sections, then examples that are real command lines of this command: each
    is run with --help appended, which click reads before any value but only after every
    option is known (a mistyped option in an example is a usage error)."""
    import re
    import shlex

    shown = run(command, "--help")
    assert (shown.exit_code, shown.stderr) == (0, "")
    assert re.findall(r"^(\S.*) options:$", shown.stdout, re.MULTILINE) == sections
    examples = shown.stdout.split("\n  Examples:\n\n")[1].splitlines()
    assert examples and all(line.startswith(f"    upsun-migrator {command}")
                            for line in examples), examples
    for line in examples:
        words = shlex.split(line)[1:]
        parsed = run(*words, "--help")
        assert (parsed.exit_code, parsed.stdout) == (0, shown.stdout), line
