"""The transformation rules, in the order they run: modules with CODE, TITLE and apply(ctx)."""

from __future__ import annotations

from types import ModuleType

from migrator.rules import (
    applications,
    crons,
    includes,
    mounts,
    names,
    platform_cli,
    relationships,
    resources,
    routes,
    services,
    source_root,
    unknown_keys,
    web_locations,
)

#: Explicit order: names first, sizes read before anything is removed, unknown keys late
#: (they skip what the rules before them already removed), includes last (a file named only
#: by a removed key is not copied).
RULES: tuple[ModuleType, ...] = (
    applications,
    services,
    routes,
    names,
    source_root,
    resources,
    mounts,
    relationships,
    crons,
    web_locations,
    platform_cli,
    unknown_keys,
    includes,
)

#: Not a rule: the warning that legacy files remain beside `.upsun/`.
BOTH_FORMATS = "UPS090"
