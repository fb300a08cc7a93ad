"""What a `migrate` process loads: each item below was measured to cost milliseconds of a run
whose whole is about 60 ms (docs/performance.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

RUN = """
import contextlib, io, json, sys, typing
from migrator.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["migrate", "--dry-run", sys.argv[1]])
records = [cls for name, module in list(sys.modules.items()) if name.startswith("migrator")
           for cls in vars(module).values()
           if isinstance(cls, type) and issubclass(cls, tuple) and hasattr(cls, "_fields")
           and cls.__module__ == name]
print(json.dumps({
    "code": code,
    "modules": sorted(sys.modules),
    "records": len(records),
    "string annotations": sorted(f"{cls.__module__}.{cls.__name__}.{field}"
                                 for cls in records
                                 for field, kind in cls.__annotations__.items()
                                 if isinstance(kind, (str, typing.ForwardRef))),
}))
"""


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One `migrate` process (offline, an empty cache: the embedded metadata), looked at by both
    tests."""
    env = {k: v for k, v in os.environ.items() if k != "UPSUN_MIGRATOR_YAML"}
    found = subprocess.run([sys.executable, "-c", RUN, str(REPO / "examples" / "workers")],
                           capture_output=True, text=True, check=True,
                           env={**env, "UPSUN_MIGRATOR_OFFLINE": "1",
                                "XDG_CACHE_HOME": str(tmp_path_factory.mktemp("cache"))})
    return json.loads(found.stdout)  # type: ignore[no-any-return]


def test_migrate_loads_nothing_it_does_not_use(seen: dict[str, object]) -> None:
    """PyYAML's pure-Python parser (libyaml's binding is imported alone), dataclasses and
    inspect (records are NamedTuples), difflib (a created file's diff is written without it),
    and what only other commands, git or the network need."""
    assert seen["code"] == 0
    unwanted = {"yaml.reader", "yaml.scanner", "yaml.parser", "yaml.resolver", "yaml.constructor",
                "yaml.emitter", "yaml.loader", "dataclasses",
                "inspect", "click", "ruamel", "subprocess", "shutil", "zipfile", "urllib.request",
                "hashlib", "libcst", "datetime", "difflib"}
    modules = seen["modules"]
    assert isinstance(modules, list)
    assert "yaml._yaml" in modules
    assert sorted(unwanted & set(modules)) == []


def test_no_record_has_a_string_annotation(seen: dict[str, object]) -> None:
    """typing compiles each string annotation of a NamedTuple when the module is imported (3 ms
    a run, the first compile of a process alone 1.5 ms): modules that define records evaluate
    their annotations, so they do without `from __future__ import annotations`."""
    records = seen["records"]
    assert isinstance(records, int) and records >= 20
    assert seen["string annotations"] == []
