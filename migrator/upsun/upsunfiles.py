"""What Upsun reads from `.upsun/`, as plain constants and paths (no YAML library imported):
which files, which top-level keys, and the two version lists its schema refers to by URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

RUNTIME_URL = "https://meta.upsun.com/schema/runtime-versions"
SERVICE_URL = "https://meta.upsun.com/schema/service-versions"
ANY_STRING: dict[str, Any] = {"type": "string"}
#: The top-level keys Upsun reads (the schema's top-level `properties`; the schema itself allows
#: others, the official CLI refuses them: "unknown key").
TOP_LEVEL_KEYS = ("applications", "routes", "services")
UNKNOWN_KEY = "unknown top-level key; Upsun reads only " + ", ".join(TOP_LEVEL_KEYS)


def upsun_yaml_files(root: Path) -> list[str]:
    """The files Upsun reads as configuration: every first-level `.upsun/*.yaml` (hidden ones
    too; `.yml` and sub-folders are not read), relative to root."""
    folder = root / ".upsun"
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in folder.glob("*.yaml") if p.is_file())
