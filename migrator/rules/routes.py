"""UPS007: `.platform/routes.yaml` becomes `routes:` unchanged; upstreams must name something."""

from __future__ import annotations

from migrator.rules.context import MigrationContext, scalar_text

CODE = "UPS007"
TITLE = "routes"


def apply(ctx: MigrationContext) -> None:
    document = ctx.project.routes
    if document is None:
        return
    ctx.change(CODE, ctx.location(document.source, document.node), ("routes",),
               f"{document.file} ({len(document.node.keys())} routes)", "routes")
    targets = ctx.target_names()
    for route in ctx.places.routes:
        if scalar_text(route.node.get("type")) != "upstream":
            continue
        upstream = scalar_text(route.node.get("upstream"))
        if upstream is not None and upstream.split(":")[0] not in targets:
            ctx.warn(CODE, ctx.key_location(route.source, route.node, "upstream"),
                     f"route {route.url!r} sends traffic to {upstream!r}, which names no "
                     "application or service")
