"""UPS001: each application becomes `applications.<name>`; its top-level `name` key goes."""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from migrator.comments import remove_key
from migrator.context import MigrationContext

CODE = "UPS001"
TITLE = "applications"


def apply(ctx: MigrationContext) -> None:
    applications = CommentedMap()
    for app in ctx.apps:
        location = ctx.location(app.file, app.node, "name" if "name" in app.node else None)
        if "name" in app.node._ok:
            remove_key(app.node, "name")
            before = f"name: {app.name}"
        else:
            before = f"{app.name}: (applications.yaml entry)"
        applications[app.name] = app.node
        ctx.change(CODE, location, ("applications", app.name), before,
                   f"applications.{app.name}")
    ctx.output["applications"] = applications
