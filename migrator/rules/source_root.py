"""UPS002: an app found in `sub/dir/.platform.app.yaml` gets `source.root: sub/dir`.

A `source.root` left empty (null) meant "the default" on Platform.sh; Upsun wants a string,
so an empty one is filled in for nested apps and removed for apps at the repository root.
"""

from __future__ import annotations

from migrator.legacy.model import LegacyApp
from migrator.rules.context import MigrationContext
from migrator.yamltext.edits import line_end
from migrator.yamltext.nest import unit
from migrator.yamltext.nodes import Mapping, Scalar
from migrator.yamltext.render import scalar

CODE = "UPS002"
TITLE = "source-root"


def apply(ctx: MigrationContext) -> None:
    for app in ctx.apps:
        source = app.mapping.get("source")
        path = ("applications", app.name, "source", "root")
        root = source.get("root") if isinstance(source, Mapping) else None
        has_null_root = isinstance(root, Scalar) and root.is_null
        if has_null_root and not app.subdir:
            _remove_null_root(ctx, app, source)  # type: ignore[arg-type]
            continue
        if not app.subdir or (root is not None and not has_null_root):
            continue
        editor = ctx.editor(app.source)
        text = scalar(app.subdir)  # quoted when plain would read back as another value: `false`
        if has_null_root:
            editor.replace(root, text)  # type: ignore[arg-type]
        elif isinstance(source, Mapping):
            _insert_first(ctx, app, source, f"root: {text}")
        else:
            _insert_source(ctx, app, text)
        ctx.expect(path, app.subdir)
        ctx.change(CODE, ctx.location(app.source, app.mapping), path,
                   f"{app.file} in {app.subdir}/", f"source.root: {app.subdir}")


def _remove_null_root(ctx: MigrationContext, app: LegacyApp, source: Mapping) -> None:
    """`source` (or its `root`) goes from the mapping that holds it: every app that merges
    that mapping has the same null root and wants it gone too."""
    editor = ctx.editor(app.source)
    location = ctx.key_location(app.source, source, "root")
    whole = source.keys() == ["root"]
    holder = app.mapping.holder("source") if whole else source.holder("root")
    key = "source" if whole else "root"
    assert holder is not None
    entry = holder.own(key)
    if entry is not None and entry[0] not in editor.removed:
        editor.remove(holder, key)
    ctx.expect(("applications", app.name, "source", *([] if whole else ["root"])), ...)
    ctx.change(CODE, location, ("applications", app.name, "source", "root"), "root: null",
               "(removed: the repository root)")


def _insert_first(ctx: MigrationContext, app: LegacyApp, mapping: Mapping, entry: str) -> None:
    editor = ctx.editor(app.source)
    if mapping.flow:
        brace = app.source.text.index("{", mapping.start)
        editor.insert(brace + 1, entry + (", " if mapping.pairs else ""))
    else:
        editor.lines_before(mapping.pairs[0][0].start, [entry],
                            app.source.doc.column(mapping.pairs[0][0].start))


def _insert_source(ctx: MigrationContext, app: LegacyApp, text: str) -> None:
    node, editor, doc = app.mapping, ctx.editor(app.source), app.source.doc
    if node.flow:
        _insert_first(ctx, app, node, f"source: {{root: {text}}}")
        return
    column = doc.column(node.pairs[0][0].start)
    lines = ["source:", " " * unit(doc) + f"root: {text}"]
    type_entry = node.own("type")
    if type_entry is None:
        editor.lines_before(node.pairs[0][0].start, lines, column)
        return
    after = line_end(doc, max(type_entry[0].end, type_entry[1].end) - 1)
    editor.insert(after, "".join(" " * column + line + "\n" for line in lines))
