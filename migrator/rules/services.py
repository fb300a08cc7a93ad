"""UPS006: `.platform/services.yaml` becomes `services:`, each service kept as it is."""

from __future__ import annotations

from migrator.context import MigrationContext

CODE = "UPS006"
TITLE = "services"


def apply(ctx: MigrationContext) -> None:
    document = ctx.project.services
    if document is None:
        return
    ctx.output["services"] = document.node
    for name in document.node:
        ctx.change(CODE, ctx.location(document.file, document.node, name), ("services", name),
                   f"{name}: (services.yaml)", f"services.{name}")
