"""Issue 25 item 7: `--color auto|always|never`, NO_COLOR, FORCE_COLOR and TERM=dumb, the
coloured dry-run diff, and the Markdown report's folded `checked:` lines."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.cli.printing import use_color
from migrator.model import FileAction, PlannedFile
from migrator.report import diff, render
from tests.conftest import METADATA_ARGS, REPO, run, write_files

APP = {".platform.app.yaml": "name: app\ntype: 'php:8.4'\n"}
CSI = re.compile(r"\033\[[0-9;]*m")


class Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


#: (--color, NO_COLOR, FORCE_COLOR, TERM, a terminal) -> colour. Unset variables are None.
CASES = [
    ("auto", None, None, "xterm", True, True),
    ("auto", None, None, "xterm", False, False),
    ("auto", None, None, None, True, True),
    ("auto", "1", None, "xterm", True, False),  # no-color.org
    ("auto", "", None, "xterm", True, True),  # an empty NO_COLOR is no NO_COLOR
    ("auto", None, "1", "xterm", False, True),  # force-color.org: into a pipe or a CI log
    ("auto", None, "0", "xterm", False, True),  # "regardless of its value"
    ("auto", None, "", "xterm", False, False),  # an empty FORCE_COLOR is no FORCE_COLOR
    ("auto", "1", "1", "xterm", True, False),  # NO_COLOR wins, as CPython decides
    ("auto", None, None, "dumb", True, False),  # a dumb terminal
    ("auto", None, "1", "dumb", True, True),  # forced all the same (CPython)
    ("always", "1", None, "dumb", False, True),  # the command line overrides the environment
    ("never", None, "1", "xterm", True, False),
    ("never", None, None, "xterm", True, False),
    ("always", None, None, "xterm", False, True),
]


@pytest.mark.parametrize(("choice", "no_color", "force_color", "term", "tty", "expected"), CASES)
def test_when_to_colour(monkeypatch: pytest.MonkeyPatch, choice: str, no_color: str | None,
                        force_color: str | None, term: str | None, tty: bool,
                        expected: bool) -> None:
    for name, value in (("NO_COLOR", no_color), ("FORCE_COLOR", force_color), ("TERM", term)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert use_color(Stream(tty), choice) is expected  # type: ignore[arg-type]


def test_the_dry_run_diff_and_report_in_colour(project: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    write_files(project, APP)
    coloured = run("migrate", "--dry-run", "--color", "always", project, *METADATA_ARGS)
    assert coloured.stdout.startswith(
        "\033[1m--- /dev/null\033[0m\n\033[1m+++ b/.upsun/config.yaml\033[0m\n"
        "\033[36m@@ -0,0 +1,3 @@\033[0m\n\033[32m+applications:\033[0m\n")
    assert "\033[1mWould migrate: 1 application(s)" in coloured.stdout
    plain = run("migrate", "--dry-run", project, *METADATA_ARGS)
    assert CSI.sub("", coloured.stdout) == plain.stdout and "\033" not in plain.output
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert run("migrate", "--dry-run", project, *METADATA_ARGS).stdout == coloured.stdout
    assert "\033" not in run("migrate", "--dry-run", "--color", "never", project,
                             *METADATA_ARGS).output


def test_codemod_and_check_diffs_in_colour(project: Path) -> None:
    write_files(project, {**APP, "app.py": "from platformshconfig import Config\n\n"
                                           "config = Config()\nname = config.applicationName\n"})
    check = run("migrate", "--check", "--diff", "--color", "always", project, *METADATA_ARGS)
    assert "\033[36m@@ -0,0 +1,3 @@\033[0m\n" in check.stdout
    code = run("codemod", "--diff", "--color", "always", project)
    assert "\033[31m-name = config.applicationName\033[0m\n" in code.stdout
    assert "\033[32m+name = os.environ[\"PLATFORM_APPLICATION_NAME\"]\033[0m\n" in code.stdout


LINES = st.lists(st.text(alphabet="-+@ ab\t\x1b", max_size=6), max_size=6)


@settings(max_examples=80, deadline=None)
@given(old=LINES, new=LINES)
def test_colour_only_wraps_lines(old: list[str], new: list[str]) -> None:
    """Without its colour codes, the coloured diff is the plain one; each coloured line is one
    whole line of it (a removed line that starts with `--` is red, not a header)."""
    files = [PlannedFile("a.yaml", FileAction.MODIFY, "\n".join(old).encode(),
                         "\n".join(new).encode())]
    plain, coloured = diff.unified(files), diff.unified(files, True)
    assert CSI.sub("", coloured) == plain
    for line, painted in zip(plain.split("\n"), coloured.split("\n"), strict=True):
        if painted != line:
            code = {"-": "31", "+": "32", "@": "36"}[line[0]]
            assert painted in (f"\033[{code}m{line}\033[0m", f"\033[1m{line}\033[0m")


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """The command's stdout when it is a pseudo-terminal."""
    controller, terminal = pty.openpty()
    with subprocess.Popen([sys.executable, "-m", "migrator", *args], stdout=terminal,
                          stderr=subprocess.DEVNULL, env=env, cwd=REPO) as process:
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait()
    os.close(controller)
    return b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.mark.parametrize(("term", "coloured"), [("xterm-256color", True), ("dumb", False)])
def test_on_a_real_terminal(project: Path, term: str, coloured: bool) -> None:
    write_files(project, APP)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    shown = _on_a_terminal(["migrate", "--dry-run", str(project), *METADATA_ARGS],
                           {**env, "TERM": term})
    assert shown.startswith("\033[1m--- /dev/null" if coloured else "--- /dev/null")
    assert ("\033[32m+applications:\033[0m" in shown) is coloured


FAILED = ("Upsun schema from the embedded snapshot of 2026-07-21 (upsun/meta 9dd622d; the "
          "download from https://meta.upsun.com/schema/upsun failed: <urlopen error timed out>)")


def test_checked_lines_after_a_failed_download_are_folded(project: Path) -> None:
    from migrator import report
    from migrator.migration.pipeline import migrate
    from migrator.model import Settings

    write_files(project, APP)
    result = migrate(project, Settings())
    result = result._replace(validation=(FAILED, "image registry from file r.json"))
    markdown = render.markdown(report.build(result, written=True, removed_legacy=False))
    assert markdown.split("\n")[4:13] == [
        "- checked: image registry from file r.json", "",
        "<details><summary>checked: 1 source(s) taken after a failed download</summary>", "",
        "- checked: Upsun schema from the embedded snapshot of 2026-07-21 (upsun/meta 9dd622d; "
        "the download from https://meta.upsun.com/schema/upsun failed: &lt;urlopen error timed "
        "out>)", "", "</details>", "", "## Files"]
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    folded = re.search(r"<details>.*?</details>", html, re.S)
    assert folded is not None and "&lt;urlopen error timed out&gt;" in folded.group()
    plain = render.markdown(report.build(result._replace(validation=("image registry from "
                                                                     "file r.json",)),
                                         written=True, removed_legacy=False))
    assert "<details>" not in plain


def test_before_and_after_are_code_that_github_shows(project: Path) -> None:
    """A `<date>` in a cron command is shown, not taken for an HTML tag (issue 25 item 7)."""
    write_files(project, {".platform.app.yaml": "name: app\ntype: 'php:8.4'\ncrons:\n  backup:\n"
                                                "    spec: '0 3 * * *'\n"
                                                "    cmd: 'tar czf b-<date>.tgz web | x'\n"})
    markdown = project / "report.md"
    assert run("migrate", project, "--report", markdown, *METADATA_ARGS).exit_code == 0
    html = cmarkgfm.github_flavored_markdown_to_html(markdown.read_text(),
                                                     options=Options.CMARK_OPT_UNSAFE)
    assert ("<td><code>cmd: 'tar czf b-&lt;date&gt;.tgz web | x'</code></td>\n"
            "<td><code>commands: {start: 'tar czf b-&lt;date&gt;.tgz web | x'}</code></td>") in html
