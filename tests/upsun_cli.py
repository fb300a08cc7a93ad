"""The official Upsun CLI, for end-to-end checks only (the product never calls it)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


INSTALLED = REPO / ".ci" / "cache" / "upsun-cli" / "package" / "bin" / "upsun"


def find_upsun_cli(install: bool = False) -> Path | None:
    """`$UPSUN_CLI`, else the copy `.ci/install-upsun-cli.sh` unpacks, else `upsun` on PATH;
    with `install`, run that script (npm registry) when none is there and npm is."""
    candidates = [os.environ.get("UPSUN_CLI"), str(INSTALLED), shutil.which("upsun")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    if install and shutil.which("npm"):
        subprocess.run(["bash", str(REPO / ".ci" / "install-upsun-cli.sh")], capture_output=True,
                       timeout=300, check=False)
        return find_upsun_cli()
    return None


def _run(cli: Path, args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", ""), "NO_COLOR": "1",
           "UPSUN_CLI_NO_INTERACTION": "1", "UPSUN_CLI_UPDATES_CHECK": "0"}
    return subprocess.run([str(cli), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def config_validate(cli: Path, project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return _run(cli, ["app:config-validate", "--no-interaction"], project, home)


def convert(cli: Path, project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return _run(cli, ["convert", "--provider=platformsh", "-y"], project, home)
