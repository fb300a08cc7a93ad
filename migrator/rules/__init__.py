"""The transformation rules, in the order they run: modules with CODE, TITLE and apply(ctx)."""

from __future__ import annotations

from types import ModuleType

from migrator.rules import (
    applications,
    crons,
    includes,
    mounts,
    relationships,
    resources,
    routes,
    services,
    source_root,
    unknown_keys,
    web_locations,
)

#: Explicit order: names first, sizes read before anything is removed, unknown keys last
#: (they skip what the rules before them already removed).
RULES: tuple[ModuleType, ...] = (
    applications,
    services,
    routes,
    source_root,
    resources,
    mounts,
    relationships,
    includes,
    crons,
    web_locations,
    unknown_keys,
)

#: Not a rule: the warning that legacy files remain beside `.upsun/`.
BOTH_FORMATS = "UPS090"
