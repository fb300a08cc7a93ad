"""Shared test helpers: paths, the Upsun schema, top-level snapshots, running the CLI."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode
from syrupy.location import PyTestLocation

from migrator.cli import main

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
DATA = TESTS / "data"
SCHEMAS = DATA / "schemas"
CORPUS = TESTS / "corpus" / "platformsh"
FIXTURES = TESTS / "fixtures" / "projects"
FIXTURE_NAMES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() \
    else []

# Hypothesis profiles: `dev` (the default) keeps the run a developer repeats all day short; `ci`
# (`HYPOTHESIS_PROFILE=ci` or `--hypothesis-profile ci`, what `.ci/run` uses) searches ten times
# wider. Both draw from a fixed seed: a failure is the same failure on every run and machine,
# and no example database is kept between runs.
settings.register_profile("dev", max_examples=10, derandomize=True, database=None, deadline=None)
settings.register_profile("ci", max_examples=200, derandomize=True, database=None, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def thorough() -> bool:
    """Whether this is the `ci` profile's run: the whole corpus instead of a sample, more rounds
    of the tests that repeat a run."""
    return settings.default.max_examples >= settings.get_profile("ci").max_examples


#: In the `dev` profile the corpus tests read one project in SAMPLE_EVERY (in manifest order).
SAMPLE_EVERY = 6


def corpus_sample(ids: Sequence[str], keep: Collection[str] = ()) -> list[str]:
    """The corpus projects a test reads: all of them in the `ci` profile; in `dev`, one in
    SAMPLE_EVERY, plus those in keep (projects with an outcome of their own, such as the intended
    failures)."""
    if thorough():
        return list(ids)
    return [i for n, i in enumerate(ids) if n % SAMPLE_EVERY == 0 or i in keep]


class TextSnapshot(SingleFileSnapshotExtension):
    """One readable text file per snapshot, under the top-level `snapshots/` folder."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        module = Path(test_location.filepath).relative_to(TESTS).with_suffix("")
        return str(REPO / "snapshots" / module)


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(TextSnapshot)


def legacy_data(node: object) -> object:
    """A legacy node as plain data, written the way `second_parser.plain` writes the output's (a
    tagged scalar as `!tag value`), so the two can be compared."""
    from migrator.yamltext.nodes import Node, Tagged, to_data

    assert isinstance(node, Node)
    return _untag(to_data(node), Tagged)


def _untag(value: object, tagged: type) -> object:
    if isinstance(value, tagged):
        inner = value.value  # type: ignore[attr-defined]
        return f"{value.tag} {inner}" if isinstance(inner, str) else _untag(inner, tagged)  # type: ignore[attr-defined]
    if isinstance(value, dict):
        return {k: _untag(v, tagged) for k, v in value.items()}
    if isinstance(value, list):
        return [_untag(v, tagged) for v in value]
    return value


@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def transcript(result: Result, **folders: Path) -> str:
    """A run as its snapshot shows it: the exit code, then stdout and stderr under headings of
    their own, so a reader sees which stream carried what. Each named folder shows as `<name>`
    (temporary paths change from run to run), the test data as `<data>`."""
    text = (f"exit {result.exit_code}\n--- stdout\n{_ended(result.stdout)}"
            f"--- stderr\n{_ended(result.stderr)}")
    for name, folder in {**folders, "data": DATA}.items():
        text = text.replace(str(folder), f"<{name}>")
    return text


def _ended(text: str) -> str:
    return text + "\n(no newline at the end)\n" if text and not text.endswith("\n") else text


def run(*args: str | Path) -> Result:
    """Run the CLI in-process as the console script does; stdout and stderr kept apart."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    return Result(code, stdout.getvalue(), stderr.getvalue())


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root with its bytes (symlinks by their target), to prove nothing changed."""
    files = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            files[rel] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            files[rel] = path.read_bytes()
        elif path.is_dir():
            files[rel + "/"] = b""
    return files


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty repository, and the current folder, as when a user runs the tool in theirs:
    every path it shows is then relative to the repository (`migrator.where.shown`)."""
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    yield root


def write_files(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test touches the network or the user's cache (tests that need HTTP serve it locally)."""
    monkeypatch.setenv("UPSUN_MIGRATOR_OFFLINE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in its temporary folder, as a user runs the tool from the folder they
    work in: a repository there (`tmp_path` itself, or `project`, which is entered) is shown
    by paths relative to it (`migrator.where.shown`), never the machine's own temporary
    folder; and nothing a test runs can write into the source tree."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def _help_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Help text wraps at 80 columns whatever the width of the terminal running the tests."""
    monkeypatch.setenv("COLUMNS", "80")


REGISTRY = DATA / "registry" / "registry.json"
METADATA_ARGS = ("--schema", str(SCHEMAS / "upsun.json"), "--registry", str(REGISTRY))
