"""UPS002: an app found in `sub/dir/.platform.app.yaml` gets `source.root: sub/dir`.

A `source.root` left empty (null) meant "the default" on Platform.sh; Upsun wants a string,
so an empty one is filled in for nested apps and removed for apps at the repository root.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from migrator import yamlio
from migrator.comments import remove_key
from migrator.context import MigrationContext

CODE = "UPS002"
TITLE = "source-root"


def apply(ctx: MigrationContext) -> None:
    for app in ctx.apps:
        source = app.node.get("source")
        path = ("applications", app.name, "source", "root")
        has_null_root = isinstance(source, CommentedMap) and "root" in source \
            and source["root"] is None
        if has_null_root and not app.subdir:
            location = ctx.location(app.file, source, "root")
            remove_key(source, "root")
            if not source:
                remove_key(app.node, "source")
            ctx.change(CODE, location, path, "root: null", "(removed: the repository root)")
            continue
        if not app.subdir or (isinstance(source, CommentedMap) and source.get("root") is not None):
            continue
        if has_null_root:
            source["root"] = app.subdir
        elif isinstance(source, CommentedMap):
            source.insert(0, "root", app.subdir)
        else:
            keys = yamlio.own_keys(app.node)
            position = keys.index("type") + 1 if "type" in keys else 0
            app.node.insert(position, "source", CommentedMap(root=app.subdir))
        ctx.change(CODE, ctx.location(app.file, app.node), path, f"{app.file} in {app.subdir}/",
                   f"source.root: {app.subdir}")
