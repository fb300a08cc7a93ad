"""A repository is untrusted input: no path the tool writes, removes, reads for a diff or copies
leaves it, whatever links, `..` or absolute paths it holds (issue 26, items 1-3 and 7).

Each finding of the issue is reproduced as it was reported; the property test at the end
generates repositories with links everywhere the migration looks (`..`, absolute targets, chains,
links inside `.platform/` and `.upsun/`, dangling links, links at the file itself) and checks,
for every command that touches files, that nothing outside the repository changed, that no byte
from outside reaches any output, and that the exit code is 0 or 1.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import run, tree, write_files

APP = "name: app\ntype: 'php:8.4'\n"
SECRET = "SECRET-FROM-OUTSIDE-THE-REPOSITORY"
VCL = "v:\n  type: 'varnish:9.0'\n  configuration:\n    vcl: !include {{type: string, path: '{}'}}\n"
ARCHIVE = "search:\n  type: 'solr:9.6'\n  configuration:\n    cores:\n      main:\n" \
          "        conf_dir: !archive '{}'\n"


def outside(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every name under folder (links not followed) with its bytes (a link: its target) and its
    mode: what must not change."""
    found = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        data = os.readlink(path).encode() if path.is_symlink() else \
            path.read_bytes() if stat.S_ISREG(info.st_mode) else b""
        found[path.relative_to(folder).as_posix()] = (data, info.st_mode)
    return found


def _escape_through_a_link(repo: Path, ups: int) -> str:
    """Finding 1: `.platform/a` links to a deep folder of the repository; the include climbs out
    of the link with `..`: read through the link it stays inside, taken as text it does not."""
    (repo / "d/d/d").mkdir(parents=True)
    write_files(repo, {".platform.app.yaml": APP, "victim/x.vcl": "inside\n",
                       "d/victim/x.vcl": "deeper\n", "d/d/victim/x.vcl": "deepest\n"})
    (repo / ".platform").mkdir(exist_ok=True)
    (repo / ".platform/a").symlink_to("../d/d/d")
    path = "a/" + "../" * ups + "victim/x.vcl"
    write_files(repo, {".platform/services.yaml": VCL.format(path)})
    return path


@pytest.mark.parametrize("ups", [1, 2, 3, 4])
@pytest.mark.parametrize("args", [(), ("--dry-run",), ("--force", "--remove-legacy")])
def test_an_include_that_climbs_out_of_a_link_is_refused(tmp_path: Path, ups: int,
                                                         args: tuple[str, ...]) -> None:
    repo = tmp_path / "repo"
    path = _escape_through_a_link(repo, ups)
    before, around = tree(repo), outside(tmp_path)
    result = run("migrate", *args, repo)
    shown = f".platform/{path}"
    reason = "leads outside the repository" if ups > 2 else \
        "goes up (..) from the symbolic link .platform/a, so it names one file read through " \
        "the link and another read as text: write it without `..`"
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"error: repo/.platform/services.yaml:4: {shown} {reason}\n"
    assert tree(repo) == before
    assert outside(tmp_path) == around


def test_the_reported_attack_writes_nothing_outside(tmp_path: Path) -> None:
    """As reported: 30 levels of folders behind the link, 30 `..`, and the path of a file far
    above the repository; `migrate` wrote it and exited 0, and with an empty `.upsun/a/` in the
    repository the dry run printed the outside file as the diff's old side."""
    repo = tmp_path / "a/b/c/repo"
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    deep = "/".join(["d"] * 30)
    (repo / deep).mkdir(parents=True)
    (repo / ".platform").mkdir()
    (repo / ".platform/a").symlink_to(f"../{deep}")
    tail = victim.relative_to("/").as_posix()
    write_files(repo, {".platform.app.yaml": APP, tail: "planted\n",
                       ".platform/services.yaml": VCL.format("a/" + "../" * 30 + tail)})
    (repo / ".upsun/a").mkdir(parents=True)
    around = outside(tmp_path)
    for args in ((), ("--dry-run",), ("--check", "--diff")):
        result = run("migrate", *args, repo)
        assert result.exit_code == 1, result.output
        assert "leads outside the repository" in result.stderr
        assert "create .upsun/a/.." not in result.output
        assert "precious" not in result.output
    assert outside(tmp_path) == around
    assert victim.read_text() == "precious\n"


def _secret(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.env"
    secret.write_text(f"TOKEN={SECRET}\n")
    return secret


LINK_AT_CONFIG = (".upsun/config.yaml: is a symbolic link; refusing to write through it or "
                  "replace it: remove the link and run again")


@pytest.mark.parametrize("args", [("--dry-run", "--force"), ("--check", "--diff"), ("--force",),
                                  ("--dry-run",), ()])
def test_a_link_at_the_config_is_never_read_into_the_diff(tmp_path: Path,
                                                           args: tuple[str, ...]) -> None:
    """Finding 2: `.upsun/config.yaml` linked to a secret; the diff's old side printed it."""
    repo = write_files(tmp_path / "repo", {".platform.app.yaml": APP})
    (repo / ".upsun").mkdir()
    (repo / ".upsun/config.yaml").symlink_to(_secret(tmp_path))
    before, around = tree(repo), outside(tmp_path)
    result = run("migrate", *args, repo)
    assert result.exit_code == 1
    assert SECRET not in result.output
    assert LINK_AT_CONFIG in result.stderr
    assert tree(repo) == before
    assert outside(tmp_path) == around


@pytest.mark.parametrize("link", [".upsun/config.vcl", ".upsun/conf", ".upsun/conf/schema.xml",
                                  ".upsun/includes"])
@pytest.mark.parametrize("args", [("--dry-run",), ("--check", "--diff"), ()])
def test_a_link_where_a_copy_goes_is_never_read_nor_written(tmp_path: Path, link: str,
                                                             args: tuple[str, ...]) -> None:
    secret = _secret(tmp_path)
    services = VCL.format("config.vcl") + ARCHIVE.format("conf") + "db: !include db.yaml\n"
    repo = write_files(tmp_path / "repo", {
        ".platform.app.yaml": APP, ".platform/services.yaml": services,
        ".platform/config.vcl": "vcl 4.0;\n", ".platform/conf/schema.xml": "<schema/>\n",
        ".platform/db.yaml": "type: 'mariadb:11.4'\n"})
    (repo / link).parent.mkdir(parents=True, exist_ok=True)
    (repo / link).symlink_to(secret if "." in Path(link).name else tmp_path)
    before, around = tree(repo), outside(tmp_path)
    result = run("migrate", *args, repo)
    assert result.exit_code == 1, result.output
    assert SECRET not in result.output
    assert f"{link}: is a symbolic link; refusing to write" in result.stderr
    assert tree(repo) == before
    assert outside(tmp_path) == around


def test_a_copy_source_that_is_a_fifo_is_refused_not_read(project: Path) -> None:
    """Copying opened it: the run waited for ever for a writer (in a process of its own here,
    with a time limit, so that the test fails instead of waiting too)."""
    write_files(project, {".platform.app.yaml": APP,
                          ".platform/services.yaml": VCL.format("config.vcl")})
    os.mkfifo(project / ".platform/config.vcl")
    done = subprocess.run([sys.executable, "-m", "migrator", "migrate", str(project)],
                          capture_output=True, text=True, timeout=60, check=False,
                          env=dict(os.environ, UPSUN_MIGRATOR_OFFLINE="1"))
    assert (done.returncode, done.stderr) == (
        1, "error: .platform/config.vcl: not a regular file; only regular files are copied\n")
    assert not (project / ".upsun").exists()


@pytest.mark.parametrize("option", ["--report", "--json", "--resources-script"])
@pytest.mark.parametrize("dry_run", [False, True])
def test_a_report_output_never_follows_a_link_planted_in_the_repository(
        tmp_path: Path, option: str, dry_run: bool) -> None:
    """Finding 3: a link at the output's path in the repository was followed (and the script
    made executable through it), even with --dry-run."""
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    victim.chmod(0o600)
    repo = write_files(tmp_path / "repo", {".platform.app.yaml": APP})
    (repo / "out").symlink_to("../victim")
    before, around = tree(repo), outside(tmp_path)
    result = run("migrate", *(("--dry-run",) if dry_run else ()), option, repo / "out", repo)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"error: {repo / 'out'}: is a symbolic link inside the repository; "
                             "refusing to write the output through it\n")
    assert tree(repo) == before
    assert outside(tmp_path) == around


def test_a_report_output_never_goes_through_a_linked_folder_of_the_repository(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "elsewhere").mkdir()
    repo = write_files(tmp_path / "repo", {".platform.app.yaml": APP})
    (repo / "docs").symlink_to(tmp_path / "elsewhere")
    monkeypatch.chdir(repo)
    result = run("migrate", "--report", "docs/report.md", ".")
    assert (result.exit_code, result.stderr) == (
        1, "error: docs/report.md: docs is a symbolic link inside the repository; refusing to "
           "write the output through it\n")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_a_report_output_inside_the_repository_is_written(tmp_path: Path) -> None:
    repo = write_files(tmp_path / "repo", {".platform.app.yaml": APP, "docs/old.md": "x\n"})
    result = run("migrate", "--report", repo / "docs/report.md", repo)
    assert result.exit_code == 0, result.stderr
    assert (repo / "docs/report.md").read_text().startswith("# Upsun migration report\n")


def test_the_users_own_link_outside_the_repository_is_followed(tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports/run-1.md").write_text("old\n")
    (tmp_path / "latest.md").symlink_to("reports/run-1.md")
    repo = write_files(tmp_path / "repo", {".platform.app.yaml": APP})
    assert run("migrate", "--report", tmp_path / "latest.md", repo).exit_code == 0
    assert (tmp_path / "latest.md").is_symlink()
    assert (tmp_path / "reports/run-1.md").read_text().startswith("# Upsun migration report\n")


def test_bulk_summary_never_follows_a_link_inside_the_fleet(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    fleet = tmp_path / "fleet"
    write_files(fleet / "one", {".platform.app.yaml": APP})
    (fleet / "summary.md").symlink_to(victim)
    result = run("bulk", "--jobs", "1", fleet, "--summary-md", fleet / "summary.md")
    assert (result.exit_code, result.stderr) == (
        1, f"error: {fleet / 'summary.md'}: is a symbolic link inside the repository; refusing "
           "to write the output through it\n")
    assert victim.read_text() == "precious\n"
    assert not (fleet / "one/.upsun").exists()


def _linked_project(tmp_path: Path) -> tuple[Path, Path]:
    elsewhere = write_files(tmp_path / "elsewhere/project", {
        ".platform.app.yaml": APP, ".platform/services.yaml": "db:\n  type: 'mariadb:11.4'\n"})
    fleet = tmp_path / "fleet"
    write_files(fleet / "org/one", {".platform.app.yaml": APP})
    (fleet / "org/linked").symlink_to(elsewhere)
    return fleet, elsewhere


@pytest.mark.parametrize("args", [(), ("--remove-legacy",)])
def test_bulk_never_follows_a_linked_folder_out_of_the_fleet(tmp_path: Path,
                                                             args: tuple[str, ...]) -> None:
    """Finding 7: a link to a project elsewhere was migrated, its legacy files removed."""
    fleet, elsewhere = _linked_project(tmp_path)
    before = tree(elsewhere)
    result = run("bulk", "--jobs", "1", *args, fleet)
    assert result.exit_code == 0, result.output
    assert tree(elsewhere) == before
    migrated, skipped = sorted(result.stdout.splitlines())
    assert migrated.startswith(f"migrated {fleet / 'org/one'}: 1 change(s), ")
    assert skipped == (f"skipped  {fleet / 'org/linked'}: a symbolic link; bulk migrates only "
                       "the folders inside its roots (give the folder it names as a ROOT to "
                       "migrate it)")
    assert result.stderr.endswith(": 1 migrated, 1 skipped\n")


def test_bulk_migrates_a_link_given_as_a_root(tmp_path: Path) -> None:
    """The user's own choice: a ROOT that is a link is followed."""
    fleet, elsewhere = _linked_project(tmp_path)
    result = run("bulk", "--jobs", "1", fleet / "org/linked")
    assert result.exit_code == 0, result.output
    assert (elsewhere / ".upsun/config.yaml").is_file()


def _outside_platform(project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP, "common/default.vcl": "vcl 4.0;\n",
                          ".platform/services.yaml": VCL.format("../common/default.vcl")})


def test_an_include_outside_platform_in_the_repository_stays_where_it_is(project: Path) -> None:
    """`.platform/` and `.upsun/` are both folders at the top of the repository: from either,
    `../common/default.vcl` names the same file. It is not copied, and not removed."""
    _outside_platform(project)
    result = run("migrate", "--remove-legacy", project)
    assert result.exit_code == 0, result.output
    config = (project / ".upsun/config.yaml").read_text()
    assert "vcl: !include {type: string, path: '../common/default.vcl'}" in config
    assert (project / "common/default.vcl").read_text() == "vcl 4.0;\n"
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*")) == [
        ".upsun", ".upsun/config.yaml", "common", "common/default.vcl"]
    assert ("warning  UPS008  .platform/services.yaml:4  .platform/../common/default.vcl is "
            "outside .platform/ and stays where it is: from .upsun/, ../common/default.vcl names "
            "the same file (it is not copied, and --remove-legacy leaves it); Upsun's "
            "documentation shows include paths that leave the configuration folder for "
            "applications only: check that Upsun reads this one") in result.stdout


def test_a_service_included_from_outside_platform_is_refused(project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP, "common/db.yaml": "type: 'mariadb:11.4'\n",
                          ".platform/services.yaml": "db: !include ../common/db.yaml\n"})
    before = tree(project)
    result = run("migrate", project)
    assert (result.exit_code, result.stderr) == (
        1, "error: .platform/services.yaml:1: a service included from outside .platform/ "
           "(common/db.yaml) cannot be migrated: the rules edit an included service in its copy "
           "under .upsun/; move the file into .platform/ and run again\n")
    assert tree(project) == before


def test_an_include_that_goes_up_inside_platform_is_copied_to_its_plain_path(
        project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP, ".platform/conf/x": "",
                          ".platform/default.vcl": "vcl 4.0;\n",
                          ".platform/services.yaml": VCL.format("conf/../default.vcl")})
    result = run("migrate", "--remove-legacy", project)
    assert result.exit_code == 0, result.output
    assert (project / ".upsun/default.vcl").read_text() == "vcl 4.0;\n"
    config = (project / ".upsun/config.yaml").read_text()
    assert "vcl: !include {type: string, path: 'default.vcl'}" in config
    assert not (project / ".platform/default.vcl").exists()
    assert (project / ".platform/conf/x").exists()  # not a legacy file: kept


# -- the property: generated link layouts, every command that touches files ---------------------

#: Where a generated repository may hold a link: where the migration reads, copies from, writes,
#: copies to, removes, and where the report outputs go.
LINK_PLACES = [".platform", ".platform/conf", ".platform/config.vcl", ".platform/conf/schema.xml",
               ".platform/db.yaml", ".platform.app.yaml", ".upsun", ".upsun/config.yaml",
               ".upsun/config.vcl", ".upsun/conf", ".upsun/conf/schema.xml", ".upsun/includes",
               ".upsun/includes/db.yaml", ".upsun/a", "common", "report.md", "out",
               "out/report.json", "run.sh"]
#: What a link names: outside (absolute, or relative through `..`), a chain, inside, nothing.
LINK_TARGETS = ["outside file", "outside file, relative", "outside folder",
                "outside folder, relative", "a link to outside", "deep inside", "inside folder",
                "inside file", "dangling", "itself", "the repository's parent"]
#: `.platform/a`, which includes go through: a folder, or a link to a deep folder of the
#: repository or to one outside
A_KINDS = ["folder", "deep inside", "outside folder", "outside folder, relative"]
INCLUDES = ["config.vcl", "conf/../config.vcl", "a/config.vcl", "a/../config.vcl",
            "../common/x.vcl", "../../outside/secret.txt", "/etc/hostname", "./config.vcl"] + \
           ["a/" + "../" * ups + "victim/x.vcl" for ups in range(1, 5)]
ARCHIVES = ["conf", "a", "a/../conf", "../common", "a/../../conf", "./conf"]


class Layout(NamedTuple):
    include: str
    archive: str
    service: bool
    config: bool
    a_kind: str
    links: list[tuple[str, str]]


layouts = st.builds(Layout, st.sampled_from(INCLUDES), st.sampled_from(ARCHIVES), st.booleans(),
                    st.booleans(), st.sampled_from(A_KINDS),
                    st.lists(st.tuples(st.sampled_from(LINK_PLACES), st.sampled_from(LINK_TARGETS)),
                             max_size=3, unique_by=lambda link: link[0]))


def _target(kind: str, repo: Path, place: str, away: Path) -> str:
    folder = (repo / place).parent
    return {
        "outside file": str(away / "secret.txt"),
        "outside file, relative": os.path.relpath(away / "secret.txt", folder),
        "outside folder": str(away / "dir"),
        "outside folder, relative": os.path.relpath(away / "dir", folder),
        "a link to outside": os.path.relpath(repo / "chain", folder),
        "deep inside": os.path.relpath(repo / "d/d/d", folder),
        "inside folder": os.path.relpath(repo / "common", folder),
        "inside file": os.path.relpath(repo / "common/x.vcl", folder),
        "dangling": "nowhere",
        "itself": Path(place).name,
        "the repository's parent": os.path.relpath(repo.parent, folder),
    }[kind]


def _through_a_link(repo: Path, place: str) -> bool:
    parts = Path(place).parts
    return any((repo.joinpath(*parts[:depth])).is_symlink() for depth in range(1, len(parts)))


def _build(repo: Path, away: Path, layout: Layout) -> None:
    services = VCL.format(layout.include) + ARCHIVE.format(layout.archive) + \
        ("db: !include db.yaml\n" if layout.service else "")
    inner = {"config.vcl": "vcl 4.0;\n", "schema.xml": "<s/>\n"}
    write_files(repo, {".platform.app.yaml": APP, ".platform/services.yaml": services,
                       ".platform/config.vcl": "vcl 4.0;\n", ".platform/conf/schema.xml": "<s/>\n",
                       ".platform/db.yaml": "type: 'mariadb:11.4'\nsize: M\n",
                       "common/x.vcl": "common\n", "victim/x.vcl": "victim\n",
                       **{f"d/d/d/{name}": text for name, text in inner.items()},
                       **({".upsun/config.yaml": "applications: {}\n"} if layout.config else {})})
    if layout.a_kind == "folder":
        write_files(repo / ".platform/a", inner)
    else:
        (repo / ".platform/a").symlink_to(_target(layout.a_kind, repo, ".platform/a", away))
    (repo / "chain").symlink_to(away / "secret.txt")
    for place, kind in sorted(layout.links, key=lambda link: link[0].count("/")):
        if _through_a_link(repo, place):
            continue  # building it would write outside: the layout keeps the first link
        path = repo / place
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(_target(kind, repo, place, away))


def _regular_files(folder: Path) -> dict[str, bytes]:
    found = {}
    for here, _, files in os.walk(folder):
        for name in files:
            path = Path(here, name)
            if not path.is_symlink() and path.is_file():
                found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def _commands(repo: Path) -> dict[str, tuple[str | Path, ...]]:
    outputs = ("--report", repo / "report.md", "--json", repo / "out/report.json",
               "--resources-script", repo / "run.sh")
    return {"migrate": ("migrate", repo), "dry run": ("migrate", "--dry-run", repo),
            "check": ("migrate", "--check", "--diff", repo),
            "remove legacy": ("migrate", "--force", "--remove-legacy", repo, *outputs),
            "remove legacy, dry run": ("migrate", "--dry-run", "--force", "--remove-legacy", repo,
                                       *outputs)}


# A quarter of the profile's search: each example copies the repository and runs five commands.
@settings(max_examples=settings.default.max_examples // 4,
          suppress_health_check=[HealthCheck.too_slow])
@given(layout=layouts)
@example(Layout("a/../../../victim/x.vcl", "conf", False, False, "deep inside", []))  # finding 1
@example(Layout("config.vcl", "conf", False, True, "folder",
                [(".upsun/config.yaml", "outside file")]))  # finding 2
@example(Layout("config.vcl", "conf", True, False, "folder",
                [("run.sh", "outside file, relative")]))  # finding 3
def test_nothing_outside_the_repository_is_ever_touched(layout: Layout) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch) / "work"
        away = work / "outside"
        write_files(away, {"secret.txt": SECRET + "\n", "dir/inner.txt": SECRET + "\n",
                           "dir/config.vcl": SECRET + "\n", "dir/schema.xml": SECRET + "\n"})
        _build(work / "repo", away, layout)
        codes = {}
        for name, args in _commands(work / "repo").items():
            repo = work / f"repo-{len(codes)}"
            shutil.copytree(work / "repo", repo, symlinks=True)
            rest = {rel: data for rel, data in outside(Path(scratch)).items()
                    if not rel.startswith(f"work/{repo.name}/")}
            before = tree(repo)
            result = run(*(Path(str(arg).replace(str(work / "repo"), str(repo)))
                           if isinstance(arg, Path) else arg for arg in args))
            assert result.exit_code in (0, 1), (name, result.output)
            assert SECRET not in result.output, name
            assert all(SECRET.encode() not in data for data in _regular_files(repo).values())
            assert {rel: data for rel, data in outside(Path(scratch)).items()
                    if not rel.startswith(f"work/{repo.name}/")} == rest, name
            if name in ("dry run", "check"):
                assert tree(repo) == before, name
            codes[name] = result.exit_code
        assert codes["dry run"] == codes["migrate"]
        assert codes["remove legacy, dry run"] == codes["remove legacy"]
