"""Real git repositories for tests: a fixed identity and dates, no global configuration."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import write_files

IDENTITY = {"GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@example.com",
            "GIT_COMMITTER_NAME": "Test Committer", "GIT_COMMITTER_EMAIL": "committer@example.com",
            "GIT_AUTHOR_DATE": "2026-01-02T03:04:05Z", "GIT_COMMITTER_DATE": "2026-01-02T03:04:05Z",
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git_env() -> dict[str, str]:
    return {**os.environ, **IDENTITY}


def git(repo: Path, *args: str) -> str:
    """Run git in repo; its stdout (stripped of the final newline)."""
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          env=git_env(), check=True)
    return done.stdout.rstrip("\n")


def init_repo(repo: Path, files: dict[str, str]) -> Path:
    """A git work tree on `main` with one commit holding `files`."""
    write_files(repo, files)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=git_env())
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Initial commit")
    return repo
