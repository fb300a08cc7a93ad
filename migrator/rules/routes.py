"""UPS007: `.platform/routes.yaml` becomes `routes:` unchanged; upstreams must name something."""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from migrator.context import MigrationContext

CODE = "UPS007"
TITLE = "routes"


def apply(ctx: MigrationContext) -> None:
    document = ctx.project.routes
    if document is None:
        return
    ctx.output["routes"] = document.node
    ctx.change(CODE, ctx.location(document.file, document.node), ("routes",),
               f"{document.file} ({len(document.node)} routes)", "routes")
    targets = ctx.target_names()
    for url, route in document.node.items():
        if not isinstance(route, CommentedMap) or route.get("type") != "upstream":
            continue
        upstream = route.get("upstream")
        if isinstance(upstream, str) and upstream.split(":")[0] not in targets:
            ctx.warn(CODE, ctx.location(document.file, route, "upstream"),
                     f"route {url!r} sends traffic to {upstream!r}, which names no application "
                     "or service")
