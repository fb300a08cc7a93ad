"""UPS006: `.platform/services.yaml` becomes `services:`, each service kept as it is."""

from __future__ import annotations

from migrator.rules.context import MigrationContext

CODE = "UPS006"
TITLE = "services"


def apply(ctx: MigrationContext) -> None:
    document = ctx.project.services
    if document is None:
        return
    for key, _ in document.node.pairs:
        ctx.change(CODE, ctx.location(document.source, key), ("services", key.value),
                   f"{key.value}: (services.yaml)", f"services.{key.value}")
