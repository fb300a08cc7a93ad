"""`bulk ROOT` over fleet layouts: git work trees at any depth (`work/<org>/<repo>`), --from-file."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.fleet import bulk
from tests.conftest import run, write_files
from tests.gitrepo import init_repo

APP = "name: app\ntype: 'php:8.4'\n"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """turbolift / multi-gitter style: work/<org>/<repo>, every repository's app named `app`."""
    root = tmp_path / "work"
    init_repo(root / "acme/shop", {".platform.app.yaml": APP,
                                   "node_modules/x/.platform.app.yaml": "name: x\n"})
    init_repo(root / "acme/blog", {".platform.app.yaml": APP, "api/.platform.app.yaml":
                                   "name: api\ntype: 'python:3.13'\n"})
    init_repo(root / "beta/deep/er/api", {".platform/applications.yaml":
                                          "- name: app\n  type: 'nodejs:22'\n"})
    init_repo(root / "beta/tools", {"README.md": "no Platform.sh here\n"})
    write_files(root / "beta/loose", {".platform.app.yaml": APP, "sub/.platform.app.yaml":
                                      "name: sub\ntype: 'php:8.4'\n"})
    write_files(root / "acme/vendor/pkg", {".platform.app.yaml": APP})
    write_files(root / "acme/node_modules/pkg", {".platform.app.yaml": APP})
    write_files(root / "acme/.cache/pkg", {".platform.app.yaml": APP})
    return root


def test_git_work_trees_at_any_depth(work: Path) -> None:
    assert bulk.find_repositories([work]) == [str(work / rel) for rel in (
        "acme/blog", "acme/shop", "beta/deep/er/api", "beta/loose", "beta/tools")]


def test_a_linked_work_tree_counts_too(work: Path) -> None:
    from tests.gitrepo import git

    git(work / "acme/shop", "worktree", "add", "--quiet", "-b", "wt", str(work / "zeta/shop-wt"))
    assert (work / "zeta/shop-wt/.git").is_file()
    assert str(work / "zeta/shop-wt") in bulk.find_repositories([work])


def test_a_repository_root_is_one_repository(work: Path) -> None:
    assert bulk.find_repositories([work / "acme/blog"]) == [str(work / "acme/blog")]
    assert bulk.find_repositories([work / "acme", work / "acme/shop"]) == [
        str(work / "acme/blog"), str(work / "acme/shop")]


def test_bulk_over_the_work_folder(work: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.csv"
    result = run("bulk", work, "--summary", summary, "--jobs", "2")
    assert result.exit_code == 0, result.output  # beta/tools holds no configuration: skipped
    assert sorted(result.stdout.splitlines()) == [
        f"migrated {work}/acme/blog: 3 change(s), 1 warning(s), 0 error(s)",
        f"migrated {work}/acme/shop: 1 change(s), 1 warning(s), 0 error(s)",
        f"migrated {work}/beta/deep/er/api: 1 change(s), 2 warning(s), 0 error(s)",  # nodejs:22 deprecated
        f"migrated {work}/beta/loose: 3 change(s), 1 warning(s), 0 error(s)",
        f"skipped  {work}/beta/tools: no Platform.sh configuration",
    ]
    assert "two applications are named" not in result.output
    assert (work / "acme/blog/.upsun/config.yaml").read_text() == (
        "applications:\n  app:\n    type: 'php:8.4'\n  api:\n    type: 'python:3.13'\n"
        "    source:\n      root: api\n")
    assert not (work / "acme/vendor/pkg/.upsun").exists()


def test_from_file_lines_are_roots_too(work: Path, tmp_path: Path) -> None:
    listing = tmp_path / "repos.txt"
    listing.write_text(f"# campaign\n{work / 'acme'}\n\n{work / 'beta/loose'}\n",
                       encoding="utf-8")
    assert bulk.find_repositories([], listing) == [
        str(work / "acme/blog"), str(work / "acme/shop"), str(work / "beta/loose")]


def test_a_root_without_any_repository_is_an_error(tmp_path: Path) -> None:
    write_files(tmp_path / "empty", {"notes/readme.txt": "nothing\n"})
    result = run("bulk", tmp_path / "empty")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"error: {tmp_path}/empty: no repository found: no git work tree "
                             "and no Platform.sh or Upsun configuration at any depth\n")


def test_from_file_with_a_byte_order_mark_and_trailing_comments(work: Path, tmp_path: Path) -> None:
    """Issue 23 item 15: a list saved by an editor that writes a BOM, with notes after paths."""
    listing = tmp_path / "repos.txt"
    listing.write_text(f"\ufeff{work / 'acme/shop'}  # the shop\n\t{work / 'beta/loose'}\t# loose\n"
                       f"   # indented comment\n{work / 'acme/blog'}#not-a-comment\n",
                       encoding="utf-8")
    assert bulk.listed(listing) == [str(work / "acme/shop"), str(work / "beta/loose"),
                                    f"{work / 'acme/blog'}#not-a-comment"]
    assert bulk.find_repositories([], listing)[:2] == [str(work / "acme/blog#not-a-comment"),
                                                       str(work / "acme/shop")]


def test_from_file_that_is_not_text_is_one_line(tmp_path: Path) -> None:
    listing = tmp_path / "repos.txt"
    listing.write_bytes(b"\xff\xfe r\x00e\x00p\x00o\x00\n")
    result = run("bulk", "--from-file", listing)
    assert (result.exit_code, result.stderr) == (
        1, f"error: {listing}: not UTF-8 text (invalid start byte at byte 0)\n")
