"""Properties that hold for every legacy project, on generated ones (hypothesis, fixed seed).

For each generated repository: `migrate` exits 0 or 1 and never raises; `--dry-run` changes no
byte; on success the output passes the Upsun schema, values no rule is about (app keys, service
types and configuration, routes) are unchanged, the resource hints agree with the legacy sizes,
and a second `migrate --force` changes nothing; with comments added above and after random lines,
every one of them reaches the output.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrator.yamltext.nodes import to_data
from tests import second_parser
from tests.conftest import legacy_data, run, tree
from tests.upsun_schema import load_config, schema_errors

TRICKY = ["local", "shared", "disk", "size", "resources", "shared:files/x", "db:mysql", "ünïcødé",
          "名前", "", "true", "1024"]
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6)
values = st.one_of(st.sampled_from(TRICKY), st.text(alphabet=st.characters(
    blacklist_categories=("Cs", "Cc")), max_size=12), st.integers(-5, 5000), st.booleans())
sizes = st.sampled_from(["S", "M", "L", "XL", "2XL", "4XL", "AUTO"])


def scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else \
        json.dumps(value)


def emit(data: Any, indent: int = 0) -> list[str]:
    """Block-style YAML for dicts and lists, JSON-quoted scalars (valid YAML)."""
    pad = " " * indent
    lines: list[str] = []
    for key, value in data.items():
        key_text = key if key.startswith(("<<", "&")) else scalar(key)
        if isinstance(value, dict) and value:
            lines.append(f"{pad}{key_text}:")
            lines += emit(value, indent + 4)
        elif isinstance(value, dict):
            lines.append(f"{pad}{key_text}: {{}}")
        elif isinstance(value, list):
            lines.append(f"{pad}{key_text}:")
            lines += [f"{pad}    - {scalar(item)}" for item in value]
        elif isinstance(value, RawYaml):
            lines.append(f"{pad}{key_text}: {value.text}")
        else:
            lines.append(f"{pad}{key_text}: " + ("" if value is None else scalar(value)))
    return lines


class RawYaml:
    def __init__(self, text: str) -> None:
        self.text = text


@st.composite
def mounts(draw: st.DrawFn) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for path in draw(st.lists(names, max_size=3, unique=True)):
        if draw(st.booleans()):
            result[f"/{path}"] = f"shared:files/{draw(names)}"
        else:
            result[path] = {"source": draw(st.sampled_from(["local", "tmp", "storage"])),
                            "source_path": draw(names)}
    return result


@st.composite
def relationships(draw: st.DrawFn, targets: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name in draw(st.lists(names, max_size=3, unique=True)):
        target = draw(st.sampled_from(targets + ["nowhere"]))
        form = draw(st.sampled_from(["string", "object", "null"]))
        result[name] = f"{target}:http" if form == "string" else \
            ({"service": target, "endpoint": "http"} if form == "object" else None)
    return result


@st.composite
def flexible(draw: st.DrawFn) -> dict[str, int]:
    """Platform.sh's `resources` (flexible-resources.md: 64 to 1024, 128 to 1024)."""
    return {"base_memory": draw(st.integers(64, 1024)),
            "memory_ratio": draw(st.integers(128, 1024))}


@st.composite
def app(draw: st.DrawFn, name: str, targets: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name,
                            "type": draw(st.sampled_from(["php:8.4", "python:3.13", "nodejs:24"]))}
    if draw(st.booleans()):
        data["size"] = draw(sizes)
    if draw(st.booleans()):
        data["disk"] = draw(st.integers(256, 8192))
    if draw(st.integers(0, 3)) == 0:
        data["resources"] = draw(flexible())
    data["variables"] = {"env": draw(st.dictionaries(st.sampled_from(TRICKY[:5]) | names, values,
                                                     max_size=4))}
    data["mounts"] = draw(mounts())
    data["relationships"] = draw(relationships(targets))
    if draw(st.booleans()):
        data["web"] = {"document_root": "/public", "passthru": "/index.php"} \
            if draw(st.booleans()) else {"locations": {"/": {"root": "public",
                                                             "passthru": True}}}
    if draw(st.booleans()):
        data["crons"] = {draw(st.sampled_from(["local", "disk", "size", "job"])): {
            "spec": "H * * * *", draw(st.sampled_from(["cmd", "commands"])): "echo hi"}}
    workers = {}
    for worker in draw(st.lists(names, max_size=2, unique=True)):
        body: dict[str, Any] = {"commands": {"start": f"run {worker}"}}
        if draw(st.booleans()):
            body["size"] = draw(sizes)
        if draw(st.booleans()):
            body["disk"] = draw(st.integers(128, 1024))
        if draw(st.integers(0, 4)) == 0:
            body["resources"] = draw(flexible())
        if draw(st.booleans()):
            body["mounts"] = draw(mounts())
        workers[worker] = body
    if workers:
        data["workers"] = workers
    return data


@st.composite
def projects(draw: st.DrawFn) -> dict[str, str]:
    service_names = draw(st.lists(names, max_size=3, unique=True))
    app_names = draw(st.lists(names, min_size=1, max_size=2, unique=True))
    targets = service_names + app_names
    files: dict[str, str] = {}
    apps = [draw(app(name, targets)) for name in app_names]
    anchored = draw(st.booleans())
    for index, data in enumerate(apps):
        lines = emit(data)
        if anchored and index == 0:  # a base worker reused through a merge key
            lines += ["workers:" if "workers" not in data else "",
                      "    base: &base", "        size: M", "        commands:",
                      "            start: base", "    merged:", "        <<: *base"]
        comments = draw(st.lists(st.integers(0, len(lines)), max_size=3))
        for position in sorted(comments, reverse=True):
            lines.insert(position, "# a comment: size disk local")
        if draw(st.booleans()):  # a block scalar, maybe with a comment after its indicator
            lines += ["hooks:", f"    build: {draw(st.sampled_from(['|', '|-', '>', '>-']))}"
                      f"{draw(st.sampled_from(['', '  # size disk local']))}",
                      "        set -e", "", "        echo local size"]
        folder = "" if index == 0 else f"{data['name']}/"
        files[f"{folder}.platform.app.yaml"] = "\n".join(line for line in lines if line) + "\n"
    services = {name: {"type": draw(st.sampled_from(["mariadb:11.4", "redis:8.0",
                                                      "postgresql:17"])),
                       **({"disk": draw(st.integers(256, 4096))} if draw(st.booleans()) else {}),
                       **({"configuration": {"schemas": ["main"], "endpoints": {"local": {
                           "default_schema": "main", "privileges": {"main": "admin"}}}}}
                          if draw(st.booleans()) else {})}
                for name in service_names}
    if services:
        files[".platform/services.yaml"] = "\n".join(emit(services)) + "\n"
    routes: dict[str, Any] = {"https://{default}/": {
        "type": "upstream", "upstream": f"{draw(st.sampled_from(targets))}:http",
        **({"cache": {"enabled": True, "cookies": ["/^SESS/"], "headers": ["Accept"]}}
           if draw(st.booleans()) else {})}}
    if draw(st.booleans()):
        routes["https://www.{default}/"] = {"type": "redirect", "to": "https://{default}/",
                                            "redirects": {"paths": {"/old": {"to": "/new"}}}}
    files[".platform/routes.yaml"] = "# routes\n" + "\n".join(emit(routes)) + "\n"
    return files


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(projects())
def test_every_generated_project(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "repo"
        root.mkdir()
        _write(root, files)
        before = tree(root)
        dry = run("migrate", "--dry-run", root)
        assert tree(root) == before
        report_file = Path(scratch) / "report.json"
        result = run("migrate", root, "--json", report_file)
        assert result.exit_code in (0, 1), result.stderr
        if result.exit_code == 1:
            assert dry.exit_code == 1 and tree(root) == before
            assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
            return
        text = (root / ".upsun/config.yaml").read_text(encoding="utf-8")
        config = second_parser.load(text)
        assert schema_errors(load_config(text, (root / ".upsun", root)), versions=False) == []
        _unrelated_values_unchanged(root, second_parser.plain(config))
        _hints_agree(root, json.loads(report_file.read_text(encoding="utf-8")))
        after = tree(root)
        assert run("migrate", "--force", root).exit_code == 0
        assert tree(root) == after


def _unrelated_values_unchanged(root: Path, output: dict[str, Any]) -> None:
    from migrator.legacy.discovery import load_project

    project = load_project(root)
    assert output.get("routes") == (legacy_data(project.routes.node) if project.routes else None)
    legacy_services = legacy_data(project.services.node) if project.services else {}
    for name, service in legacy_services.items():
        for key in ("type", "configuration"):
            assert output["services"][name].get(key) == service.get(key)
    for legacy in project.apps:
        before = legacy_data(legacy.mapping)
        after = output["applications"][legacy.name]
        assert after.get("variables") == before.get("variables")
        assert after.get("type") == before.get("type")
        assert after.get("hooks") == before.get("hooks")
        for name, cron in (before.get("crons") or {}).items():
            assert after["crons"][name]["spec"] == cron["spec"]


def _hints_agree(root: Path, report: dict[str, Any]) -> None:
    from migrator.legacy.discovery import load_project

    hints = {h["container"]: h for h in report["resources"]["containers"]}
    config = second_parser.plain(second_parser.load(
        (root / ".upsun/config.yaml").read_text("utf-8")))
    for legacy in load_project(root).apps:
        node = to_data(legacy.mapping)
        output = config["applications"][legacy.name]
        for container, mapping, is_worker, written in [
                (legacy.name, node, False, output)] + [
                (f"{legacy.name}--{w}", node["workers"][w], True, output["workers"][w])
                for w in (node.get("workers") or {})]:
            size = mapping.get("size", node.get("size") if is_worker else None)
            disk = mapping.get("disk")
            flexible = mapping.get("resources", node.get("resources") if is_worker else None)
            if size is None and disk is None and flexible is None:
                assert container not in hints
                continue
            hint = hints[container]
            assert hint["disk_mb"] == (None if is_worker else disk)
            by_hand = any("set it by hand" in warning for warning in hint["warnings"])
            assert written.get("container_profile") == (None if by_hand
                                                        else hint["container_profile"])
            if flexible is None:
                assert hint["cpu"] == _upsun_cpu(str(size).upper())
                continue
            cpu = FLEXIBLE_CPU.get(str(size).upper())
            if cpu is None:  # AUTO, no size, 4XL: the memory it had is not known
                assert hint["cpu"] is None and hint["warnings"]
                continue
            had = flexible["base_memory"] + flexible["memory_ratio"] * cpu
            assert hint["legacy"]["ram_mb"] == math.ceil(had)  # a fraction of a MB rounds up
            assert hint["cpu"] >= cpu and (hint["ram_mb"] >= had or hint["warnings"])


#: The test's own copies of the published tables for the generated apps (PHP, Python, Node.js:
#: HIGH_CPU on Platform.sh and on Upsun): what each legacy size gave (CPU, MB), and Upsun's sizes.
LEGACY_HIGH_CPU = {"S": (0.4, 128), "M": (0.4, 128), "L": (1.2, 256), "XL": (2.5, 384),
                   "2XL": (5, 768), "4XL": (10, 1536)}
UPSUN_HIGH_CPU = [(0.1, 64), (0.25, 128), (0.5, 224), (1, 384), (2, 704), (4, 1216), (6, 1728),
                  (8, 2240)]


FLEXIBLE_CPU = {"XS": 0.25, "S": 0.5, "M": 1, "L": 2, "XL": 4, "2XL": 8}


def _upsun_cpu(size: str) -> float | None:
    """The smallest Upsun size with the CPU and RAM the legacy size gave (the largest if none
    has); None for AUTO."""
    if size not in LEGACY_HIGH_CPU:
        return None
    cpu, ram = LEGACY_HIGH_CPU[size]
    return next((c for c, r in UPSUN_HIGH_CPU if c >= cpu and r >= ram), UPSUN_HIGH_CPU[-1][0])


@st.composite
def commented_projects(draw: st.DrawFn) -> dict[str, str]:
    """Generated projects with numbered comments above and at the end of random lines."""
    files = draw(projects())
    number = 0
    for rel, text in files.items():
        lines: list[str] = []
        for line in text.split("\n"):
            if line.strip() and draw(st.integers(0, 4)) == 0:
                number += 1
                lines.append(" " * (len(line) - len(line.lstrip())) + f"# above-{number}")
            if line.strip() and draw(st.integers(0, 4)) == 0:
                number += 1
                line += f"  # eol-{number}"
            lines.append(line)
        files[rel] = "\n".join(lines)
    return files


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(commented_projects())
def test_every_comment_reaches_the_output(files: dict[str, str]) -> None:
    """Comments on keys the rules rewrite or remove included: none is lost."""
    from migrator.errors import MigratorError
    from migrator.migration.pipeline import migrate
    from migrator.model import Settings

    with tempfile.TemporaryDirectory() as scratch:
        _write(Path(scratch), files)
        try:
            result = migrate(Path(scratch), Settings())
        except MigratorError:
            return
    marker = re.compile(r"# ((?:above|eol)-\d+)")
    assert set(marker.findall(result.config_text)) == set(marker.findall("\n".join(files.values())))
