"""atheris fuzz target for the loader and the whole pipeline.

    pip install -e '.[fuzz]'
    python tests/fuzz/fuzz_pipeline.py -max_total_time=300 tests/fuzz/corpus

The input is split on NUL-free markers into an app file, services.yaml and routes.yaml of a
scratch repository, then migrated. A MigratorError is the expected refusal of bad input;
anything else is a crash to turn into a test in tests/test_safety.py.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from migrator.errors import MigratorError
    from migrator.migration.pipeline import migrate
    from migrator.model import Settings

SCRATCH = Path(tempfile.mkdtemp(prefix="fuzz-"))
FILES = (".platform.app.yaml", ".platform/services.yaml", ".platform/routes.yaml")


def one_input(data: bytes) -> None:
    parts = data.split(b"\n---8<---\n")
    root = SCRATCH / "repo"
    for rel in FILES:
        (root / rel).unlink(missing_ok=True)
    (root / ".platform").mkdir(parents=True, exist_ok=True)
    for rel, part in zip(FILES, parts, strict=False):  # fewer parts than files: the rest stay empty
        (root / rel).write_bytes(part)
    with contextlib.suppress(MigratorError):
        migrate(root, Settings())


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
