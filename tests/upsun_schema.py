"""The independent oracle for "valid against the Upsun schema": jsonschema's Draft7Validator, with
the two remote version schemas mapped to the project's copies (no network), and a YAML loader of
its own for `!include`/`!archive`. Nothing here calls the migrator's validation code.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node

from tests.conftest import SCHEMAS

RUNTIME_URL = "https://meta.upsun.com/schema/runtime-versions"
SERVICE_URL = "https://meta.upsun.com/schema/service-versions"
ANY_VERSION = {"type": "string"}


@cache
def upsun_validator(versions: bool = True, name: str = "upsun.json") -> jsonschema.Draft7Validator:
    """`versions=False` checks the structure only: any runtime or service version passes."""
    def remote(file: str) -> dict[str, Any]:
        return json.loads((SCHEMAS / file).read_text(encoding="utf-8")) if versions \
            else ANY_VERSION

    registry: Registry[Any] = Registry().with_resources([
        (RUNTIME_URL, Resource.from_contents(remote("runtime-versions.json"), DRAFT7)),
        (SERVICE_URL, Resource.from_contents(remote("service-versions.json"), DRAFT7))])
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    _worker_container_profile(schema)
    return jsonschema.Draft7Validator(schema, registry=registry)


def _worker_container_profile(schema: dict[str, Any]) -> None:
    """The one documented deviation: `container_profile` on a worker. upsun/meta's schema lists
    it on applications and services only; the schema of the Upsun CLI (`upsun
    app:config-validate`, platformsh/platformify validator/schema/upsun.json, the copy
    `upsun-cli.json` here) lists it on workers too, and the migrator writes it there when a
    worker's legacy memory needs another profile."""
    app = schema["properties"]["applications"]["additionalProperties"]["properties"]
    worker = app["workers"]["additionalProperties"]["properties"]
    worker.setdefault("container_profile", app["container_profile"])


def schema_errors(data: Any, versions: bool = True) -> list[str]:
    """Every error as `path: message`, sorted; [] when valid."""
    return sorted(f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in upsun_validator(versions).iter_errors(data))


def load_config(text: str, bases: tuple[Path, ...] = ()) -> Any:
    """Plain data of an Upsun YAML file as Upsun reads it: `!archive` is a folder name, a text
    `!include` a string, a YAML `!include` the file's content (looked up in `bases`)."""
    yaml = YAML(typ="safe", pure=True)

    def archive(loader: Any, node: Node) -> str:
        return "archive"

    def include(loader: Any, node: Node) -> Any:
        spec = loader.construct_mapping(node, deep=True) if isinstance(node, MappingNode) \
            else {"path": loader.construct_scalar(node)}
        if spec.get("type", "yaml") != "yaml":
            return "included text"
        for base in bases:
            if (base / spec["path"]).is_file():
                return load_config((base / spec["path"]).read_text(encoding="utf-8"), bases)
        return {}

    yaml.constructor.add_constructor("!archive", archive)
    yaml.constructor.add_constructor("!include", include)
    return yaml.load(text)
