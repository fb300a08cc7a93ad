"""Structural fuzzing of the whole pipeline with hypothesis, run by hand (not part of the suite).

    python tests/fuzz/fuzz_structures.py 3000

Builds projects from random keys (the ones rules look at, and odd ones), scalars (quoted, flow,
block with comments after the indicator, anchors, aliases, tags) and comments, as a single app
file or as two applications in `.platform/applications.yaml` sharing a merge key, migrates each,
reads the result back and compares the values no rule is about (hooks, variables, build, ...).
A MigratorError is the expected refusal of bad input; anything else is
printed with the smallest input hypothesis finds, to turn into a test in tests/test_safety.py.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import traceback
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from migrator.errors import MigratorError
from migrator.migration.pipeline import migrate
from migrator.model import Settings
from tests import second_parser
from tests.conftest import legacy_data

SCALARS = ["x", "'q # x'", '"d: e"', "1", "yes", "null", "~", "", "[a, b]", "{a: 1}", "&a v", "*a",
           "!include x.yaml", "|", "|-  # c", ">+", "'multi\n  line'", "- z", "a: b",
           "|2\n   two", "''", "http://x:80/y"]
KEYS = ["size", "disk", "mounts", "relationships", "web", "hooks", "variables", "crons",
        "workers", "source", "local", "name", "type", "1", "true", "'q k'", "? complex", "<<"]


@st.composite
def block(draw: st.DrawFn, depth: int = 0) -> list[str]:
    lines: list[str] = []
    indent = "    " * depth
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(KEYS))
        kinds = ["scalar", "map", "seq", "comment", "blank"] if depth < 3 else ["scalar", "comment"]
        kind = draw(st.sampled_from(kinds))
        comment = draw(st.sampled_from(["", "  # c", " #c: d"]))
        if kind == "scalar":
            value = draw(st.sampled_from(SCALARS))
            lines.append(f"{indent}{key}: {value}{comment}")
            if value.startswith(("|", ">")):
                body = draw(st.sampled_from(["x", "# not a comment", ""]))
                lines.append(f"{indent}    body {body}")
        elif kind == "map":
            lines.append(f"{indent}{key}:{comment}")
            lines += draw(block(depth + 1))
        elif kind == "seq":
            lines.append(f"{indent}{key}:{comment}")
            for _ in range(draw(st.integers(1, 3))):
                item = draw(st.sampled_from(SCALARS))
                lines.append(f"{indent}    - {item}{draw(st.sampled_from(['', '  # i']))}")
        elif kind == "comment":
            lines.append(f"{indent}# {draw(st.sampled_from(SCALARS))}")
        else:
            lines.append("")
    return lines


UNRELATED = ("hooks", "variables", "build", "dependencies", "runtime", "type")


def _unrelated_values_changed(root: Path, output: dict[str, Any]) -> str:
    """The first value no rule is about (app keys, service type and configuration) that differs
    after migration, as a path; "" when none does."""
    from migrator.legacy.discovery import load_project

    project = load_project(root)
    for legacy in project.apps:
        before = legacy_data(legacy.mapping)
        after = output["applications"][legacy.name]
        for key in UNRELATED:
            if key in before and before[key] != after.get(key):
                return f"{legacy.name}.{key}"
    services = legacy_data(project.services.node) if project.services else {}
    for name, service in services.items() if isinstance(services, dict) else []:
        for key in ("type", "configuration"):
            if isinstance(service, dict) and key in service and \
                    service[key] != output.get("services", {}).get(name, {}).get(key):
                return f"services.{name}.{key}"
    return ""


SCRATCH = Path(tempfile.mkdtemp(prefix="fuzz-structures-"))
outcomes: Counter[str] = Counter()
crashes: dict[tuple[str, str, int], tuple[str, ...]] = {}


@settings(max_examples=int(sys.argv[1]) if len(sys.argv) > 1 else 1000, deadline=None,
          database=None, suppress_health_check=list(HealthCheck))
@given(block(), block(), block(), st.booleans())
def one_project(app: list[str], services: list[str], routes: list[str], listed: bool) -> None:
    root = SCRATCH / "repo"
    shutil.rmtree(root, ignore_errors=True)
    (root / ".platform").mkdir(parents=True)
    if listed:
        body = ["-   &a", "    name: one", "    type: 'php:8.3'"]
        body += ["    " + line if line else line for line in app]
        body += ["-   <<: *a", "    name: two", "    source:", "        root: two"]
        (root / ".platform/applications.yaml").write_text("\n".join(body) + "\n")
    else:
        (root / ".platform.app.yaml").write_text("name: app\ntype: 'php:8.3'\n" +
                                                 "\n".join(app) + "\n")
    (root / ".platform/services.yaml").write_text("\n".join(services) + "\n")
    (root / ".platform/routes.yaml").write_text("\n".join(routes) + "\n")
    (root / ".platform/x.yaml").write_text("a: 1\n")
    try:
        result = migrate(root, Settings())
        output = second_parser.plain(second_parser.load(result.config_text))
        outcomes["migrated"] += 1
        changed = _unrelated_values_changed(root, output)
        if changed:
            crashes.setdefault(("changed meaning", changed, 0), ("\n".join(app), "", ""))
    except MigratorError:
        outcomes["refused"] += 1
    except Exception as exc:  # noqa: BLE001 - what this script is looking for
        where = traceback.extract_tb(exc.__traceback__)[-1]
        key = (type(exc).__name__, Path(where.filename).name, where.lineno or 0)
        crashes.setdefault(key, ("\n".join(app), "\n".join(services), str(exc)[:200]))


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    one_project()
    print(f"{sum(outcomes.values())} projects: {dict(outcomes)}; {len(crashes)} distinct crashes")
    for key, example in crashes.items():
        print(key, repr(example))
