"""UPS002: an app found in `sub/dir/.platform.app.yaml` gets `source.root: sub/dir`."""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from migrator import yamlio
from migrator.context import MigrationContext

CODE = "UPS002"
TITLE = "source-root"


def apply(ctx: MigrationContext) -> None:
    for app in ctx.apps:
        if not app.subdir:
            continue
        source = app.node.get("source")
        if isinstance(source, CommentedMap) and "root" in source:
            continue
        if isinstance(source, CommentedMap):
            source.insert(0, "root", app.subdir)
        else:
            keys = yamlio.own_keys(app.node)
            position = keys.index("type") + 1 if "type" in keys else 0
            app.node.insert(position, "source", CommentedMap(root=app.subdir))
        ctx.change(CODE, ctx.location(app.file, app.node), ("applications", app.name, "source",
                   "root"), f"{app.file} in {app.subdir}/", f"source.root: {app.subdir}")
