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

#: Rules `--select`/`--ignore` can leave out entirely: Upsun does not need their edits. UPS004:
#: Upsun still accepts the `'<service>:<endpoint>'` string (Upsun docs,
#: create-apps/image-properties/relationships.md, "Legacy": "still supported"); UPS012 only reports
#: unless `--rename-platform-cli` asks for the rename. Every other rule makes edits a valid Upsun
#: configuration needs (without them the result fails Upsun's schema, builds from the wrong
#: folder, or names files that are not there): it always runs, and `--select`/`--ignore` choose
#: only which of its changes and findings are reported, as for the registry checks.
OPTIONAL = frozenset({"UPS004", "UPS012"})

#: Not a rule: the warning that legacy files remain beside `.upsun/`.
BOTH_FORMATS = "UPS090"
