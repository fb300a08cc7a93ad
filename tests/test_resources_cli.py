"""Every `upsun resources:set` command the migrator prints, over the whole corpus and every
fixture, passes the checks the Upsun CLI makes before it applies anything (one bad value and it
applies nothing): upsun/cli `legacy/src/Command/Resources/ResourcesSetCommand.php` and
`legacy/src/Service/ResourcesUtil.php` at 029246e.

The rules are written here as a table, with the test's own copies of the figures they need
(Upsun's sizes per profile from the documentation; the minimums, default profiles and disks read
straight from the registry's JSON), so the check does not lean on the code it checks. And no
container with legacy `resources` gets less RAM than its legacy formula gave without a warning.
"""

from __future__ import annotations

import json
import shlex
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from migrator import report
from migrator.errors import MigratorError
from migrator.migration.pipeline import Metadata, migrate
from migrator.model import Settings
from migrator.upsun.registry import Registry
from tests.conftest import CORPUS, DATA, FIXTURE_NAMES, FIXTURES
from tests.test_corpus import IDS, INTENDED_FAILURES, _config_data

REGISTRY_DATA = json.loads((DATA / "registry" / "registry.json").read_text("utf-8"))
COMPOSABLE_DATA = json.loads((DATA / "registry" / "composable.json").read_text("utf-8"))
METADATA = Metadata(registry=Registry(REGISTRY_DATA, COMPOSABLE_DATA), registry_origin="test")

#: Upsun's shared sizes and the RAM of each profile at each (docs manage-resources/
#: adjust-resources.md), the test's own copy.
SIZES = ("0.1", "0.25", "0.5", "1", "2", "4", "6", "8")
RAM = {"HIGH_CPU": (64, 128, 224, 384, 704, 1216, 1728, 2240),
       "BALANCED": (352, 640, 1088, 1920, 2800, 4800, 6080, 7296),
       "HIGH_MEMORY": (448, 832, 1408, 2432, 4032, 6720, 9024, 11200),
       "HIGHER_MEMORY": (864, 1472, 2368, 3840, 6336, 10496, 14080, 17408)}
#: Where the registry's entry is not the container's image (docs manage-resources/
#: resource-init.md, "Minimum resources": Redis persistent takes a disk of at least 256 MB).
PERSISTENT_DISK = {"redis-persistent": 256}
ALIASES = {"redis-persistent": "redis", "valkey-persistent": "valkey"}


class Container(NamedTuple):
    kind: str  # app, worker, service
    type: str
    profiles: tuple[str, ...]  # the profiles it may run under (a worker: its own, or its app's)


def containers(config: dict[str, Any]) -> dict[str, Container]:
    """Every container of a migrated configuration, named as `resources:set` names them."""
    found: dict[str, Container] = {}
    for name, app in (config.get("applications") or {}).items():
        type_ = app.get("type") or "composable:"
        own = app.get("container_profile") or _default_profile(type_)
        found[name] = Container("app", type_, (own,) if own else ())
        for worker, body in (app.get("workers") or {}).items():
            # Upsun's docs do not say whether a worker inherits its app's container_profile
            profiles = {body.get("container_profile") or p
                        for p in (own, _default_profile(type_)) if p}
            found[f"{name}--{worker}"] = Container("worker", type_, tuple(sorted(profiles)))
    for name, service in (config.get("services") or {}).items():
        type_ = service.get("type", "")
        own = service.get("container_profile") or _default_profile(type_)
        found[name] = Container("service", type_, (own,) if own else ())
    return found


def _entry(type_: str) -> tuple[dict[str, Any], dict[str, Any]]:
    image, _, version = type_.partition(":")
    top = REGISTRY_DATA.get(ALIASES.get(image, image), {})
    return top, ((top.get("versions") or {}).get(version) or {}).get("manifest") or {}


def _default_profile(type_: str) -> str | None:
    return _entry(type_)[1].get("default_container_profile")


def _size_ok(value: str, box: Container) -> str | None:
    if value not in SIZES:
        return f"size {value} is not one of Upsun's sizes"
    manifest = _entry(box.type)[1]
    for profile in box.profiles:
        ram = RAM[profile][SIZES.index(value)]
        if float(value) < (manifest.get("min_cpu_size") or 0):
            return f"size {value}: below the minimum CPU of {box.type}"
        if ram < (manifest.get("min_mem_size") or 0):
            return f"size {value}: {ram} MB under {profile}, below the minimum of {box.type}"
    return None


def _disk_ok(value: str, box: Container) -> str | None:
    if box.kind == "worker":
        return "a worker has no disk of its own"
    if not value.isdigit():
        return f"disk {value!r} is not a whole number of MB"
    if box.kind == "app":
        return None
    image = box.type.partition(":")[0]
    top, manifest = _entry(box.type)
    if image in PERSISTENT_DISK:
        minimum = PERSISTENT_DISK[image]
    elif image in ALIASES:
        return None  # valkey-persistent: no source gives its minimum
    elif not top.get("need_disk"):
        return f"{box.type} takes no disk"
    else:
        minimum = manifest.get("min_disk_size") or 0
    return f"disk {value} below the minimum {minimum} of {box.type}" \
        if int(value) < minimum else None


def _count_ok(value: str, box: Container) -> str | None:
    if box.kind == "service":
        return "the instance count of a service cannot be changed"
    return None if value.isdigit() and int(value) > 0 else f"count {value!r}"


#: The CLI's options and the rule each of their `name:value` items must pass.
RULES: dict[str, Callable[[str, Container], str | None]] = {
    "--size": _size_ok, "--disk": _disk_ok, "--count": _count_ok}


def problems(command: str, config: dict[str, Any], environment: str) -> list[str]:
    """Every reason the Upsun CLI would refuse this command; [] when it would accept it."""
    words = shlex.split(command)
    if words[:2] != ["upsun", "resources:set"] or words[2:4] != ["-e", environment]:
        return [f"not `upsun resources:set -e {environment}`: {command}"]
    boxes = containers(config)
    found: list[str] = []
    rest = words[4:]
    if len(rest) % 2:
        return [f"an option without a value: {command}"]
    for option, value in zip(rest[::2], rest[1::2], strict=True):
        rule = RULES.get(option)
        if rule is None:
            found.append(f"unknown option {option}")
            continue
        for item in value.split(","):
            name, colon, setting = item.partition(":")
            if not name or not colon:
                found.append(f"{option} {item!r}: not name:value")
            elif set(name) & set("*%") or name not in boxes:
                found.append(f"{option} {item!r}: no container {name!r}")
            elif (problem := rule(setting, boxes[name])) is not None:
                found.append(f"{option} {item!r}: {problem}")
    return found


def _projects() -> list[tuple[str, Path]]:
    corpus = [(f"corpus/{i}", CORPUS / i) for i in IDS if i not in INTENDED_FAILURES]
    return corpus + [(f"fixture/{name}", FIXTURES / name) for name in FIXTURE_NAMES]


def _run(root: Path, environment: str | None) -> tuple[Any, report.Report]:
    result = migrate(root, Settings(), METADATA)  # the environment only shows in the report
    built = report.build(result, written=False, removed_legacy=False, environment=environment)
    return result, built


@pytest.fixture(scope="module")
def commands() -> dict[str, tuple[str | None, dict[str, Any], Any]]:
    """Each project's command (for the environment `main`), its config and its hints."""
    found = {}
    for label, root in _projects():
        try:
            result, built = _run(root, "main")
        except MigratorError:
            continue
        found[label] = (built.command, _config_data(result.config_text), built.hints)
    return found


def test_the_table_has_teeth() -> None:
    config = {"applications": {"app": {"type": "php:8.4", "workers": {"q": {}}}},
              "services": {"db": {"type": "mariadb:11.4"}, "cache": {"type": "redis:8.0"},
                           "files": {"type": "network-storage:1.0"}}}
    assert problems("upsun resources:set -e main --size app:0.5,app--q:2 --disk app:512,"
                    "db:256,files:256", config, "main") == []
    assert problems("upsun resources:set -e main --size app:0.3,db:0.1,nope:1,a*:1 --disk "
                    "app--q:128,cache:256,files:128,db:1.5 --count db:2", config, "main") == [
        "--size 'app:0.3': size 0.3 is not one of Upsun's sizes",
        "--size 'nope:1': no container 'nope'",
        "--size 'a*:1': no container 'a*'",
        "--disk 'app--q:128': a worker has no disk of its own",
        "--disk 'cache:256': redis:8.0 takes no disk",
        "--disk 'files:128': disk 128 below the minimum 256 of network-storage:1.0",
        "--disk 'db:1.5': disk '1.5' is not a whole number of MB",
        "--count 'db:2': the instance count of a service cannot be changed"]
    assert problems("upsun resources:set --size app:1", config, "main") == [
        "not `upsun resources:set -e main`: upsun resources:set --size app:1"]


def test_every_command_passes_the_cli_rules(
        commands: dict[str, tuple[str | None, dict[str, Any], Any]]) -> None:
    failures = {label: found for label, (command, config, _) in commands.items()
                if command and (found := problems(command, config, "main"))}
    assert failures == {}
    checked = sum(command is not None for command, _, _ in commands.values())
    assert len(commands) >= 190 and checked >= 175  # the corpus is there; most have a command


def test_no_legacy_memory_is_lost_without_a_warning(
        commands: dict[str, tuple[str | None, dict[str, Any], Any]]) -> None:
    """A container with legacy `resources`: its Upsun RAM (its profile at its size) is at least
    base_memory + memory_ratio x CPU, or a warning says why not."""
    flexible = Counter[str]()
    for label, (_, config, hints) in commands.items():
        boxes = containers(config)
        for hint in hints:
            legacy = hint.legacy
            if legacy.base_memory is None and legacy.memory_ratio is None:
                continue
            flexible[label] += 1
            if hint.warnings:
                continue
            box = boxes[hint.container]
            cpu = {"XS": 0.25, "S": 0.5, "M": 1, "L": 2, "XL": 4, "2XL": 8}[legacy.size.upper()]
            had = (legacy.base_memory or 64) + (legacy.memory_ratio or 128) * cpu
            size = f"{hint.cpu:g}"
            assert all(RAM[p][SIZES.index(size)] >= had for p in box.profiles), (label, hint)
    assert sum(flexible.values()) >= 15


def test_without_environment_the_command_holds_the_placeholder() -> None:
    _, built = _run(FIXTURES / "workers", None)
    assert built.command == (
        "upsun resources:set -e <production environment> --size app--queue:0.5,app--mail:0.5 "
        "--disk app:2048,mysqldb:2048,rabbitqueue:512")
    assert "replace `<production environment>` with its name" in built.steps[1]
