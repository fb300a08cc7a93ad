"""What Upsun reads from `.upsun/`, as plain constants and paths (no YAML library imported):
which files, which top-level keys, and the two version lists its schema refers to by URL."""

from __future__ import annotations

from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

RUNTIME_URL = "https://meta.upsun.com/schema/runtime-versions"
SERVICE_URL = "https://meta.upsun.com/schema/service-versions"
ANY_STRING: dict[str, Any] = {"type": "string"}
#: The top-level keys Upsun reads (the schema's top-level `properties`; the schema itself allows
#: others, the official CLI refuses them: "unknown key").
TOP_LEVEL_KEYS = ("applications", "routes", "services")
UNKNOWN_KEY = "unknown top-level key; Upsun reads only " + ", ".join(TOP_LEVEL_KEYS)


def worker_container_profile(schema: dict[str, Any]) -> dict[str, Any]:
    """The Upsun schema, also accepting `container_profile` on a worker as on its app.

    Upsun's sources disagree (migrator.facts.UPSUN_CLI_SCHEMA): upsun/meta's schema lists
    `container_profile` on applications and services only; the schema of the Upsun CLI's
    `upsun app:config-validate` lists it on workers too. The migrator writes it into a worker
    whose legacy memory needs another profile, so its checks accept it there. The document is
    not changed (shallow copies along the path); one of another shape is returned as it is."""
    try:
        app = schema["properties"]["applications"]["additionalProperties"]
        worker = app["properties"]["workers"]["additionalProperties"]
        profile = app["properties"]["container_profile"]
        properties = worker["properties"]
    except (KeyError, TypeError):
        return schema
    if not isinstance(properties, dict) or "container_profile" in properties:
        return schema
    worker = {**worker, "properties": {**properties, "container_profile": profile}}
    workers = {**app["properties"]["workers"], "additionalProperties": worker}
    app = {**app, "properties": {**app["properties"], "workers": workers}}
    applications = {**schema["properties"]["applications"], "additionalProperties": app}
    return {**schema, "properties": {**schema["properties"], "applications": applications}}


def upsun_yaml_files(root: Path) -> list[str]:
    """The files Upsun reads as configuration: every first-level `.upsun/*.yaml` (hidden ones
    too; `.yml` and sub-folders are not read), relative to root."""
    folder = root / ".upsun"
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in folder.glob("*.yaml") if p.is_file())
