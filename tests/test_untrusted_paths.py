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
import stat
import subprocess
import sys
from pathlib import Path

import pytest

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
