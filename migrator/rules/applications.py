"""UPS001: each application becomes `applications.<name>`; its top-level `name` key goes.

Apps of a `.platform/applications.yaml` list become entries of a mapping: each `- ` gives way
to a `<name>:` line and the item keeps its lines, one level deeper.
"""

from __future__ import annotations

from migrator.legacy.discovery import LegacyApp
from migrator.migration.assemble import _dash, key_lines
from migrator.rules.context import MigrationContext
from migrator.yamltext.edits import Edit, line_end, line_start
from migrator.yamltext.nodes import Mapping, Sequence, resolve

CODE = "UPS001"
TITLE = "applications"


def apply(ctx: MigrationContext) -> None:
    for app in ctx.apps:
        name_key = app.name_entry[0] if app.name_entry else None
        location = ctx.location(app.source, name_key or app.entry or app.mapping)
        if _listed(ctx, app) and app.source is ctx.project.applications:
            _unlist(ctx, app)
        elif app.name_entry is not None:
            ctx.editor(app.source).remove(app.mapping, "name")
        before = f"name: {app.name}" if name_key is not None else \
            f"{app.name}: (applications.yaml entry)"
        ctx.expect(("applications", app.name, "name"), ...)
        ctx.change(CODE, location, ("applications", app.name), before,
                   f"applications.{app.name}")


def _listed(ctx: MigrationContext, app: LegacyApp) -> bool:
    applications = ctx.project.applications
    return applications is not None and app.entry is not None and isinstance(
        resolve(applications.doc.root), Sequence)  # type: ignore[arg-type]


def _unlist(ctx: MigrationContext, app: LegacyApp) -> None:
    """A list item `- name: x ...` becomes `x:` and the item's keys one level deeper; an
    `!include` item is replaced when the result is assembled."""
    source = app.source
    doc, editor = source.doc, ctx.editor(source)
    dash = _dash(source, app.entry)
    column = doc.column(dash)
    node = app.mapping
    first = node.pairs[0][0] if node.pairs and not node.flow else None
    same_line = first is not None and doc.line(first.start) == doc.line(dash)
    name_first = same_line and first is not None and app.name_entry is not None \
        and app.name_entry[0] is first
    properties = doc.text[dash + 1:line_end(doc, dash)].strip()
    if not same_line and properties and properties[0] in "&!#" and first is not None:
        # `-   &site` alone on its line: the anchor (and a comment) go on the name's line
        lines = key_lines(app, " " + properties)
        editor.edits.append(Edit(line_start(doc, dash), line_end(doc, dash),
                                 "".join(" " * column + line + "\n" for line in lines)))
        if app.name_entry is not None:
            editor.remove(node, "name")
        return
    editor.lines_before(dash, key_lines(app), column)
    if name_first and app.name_entry is not None:
        value = app.name_entry[1]
        end = line_end(doc, max(first.end, value.end) - 1)  # type: ignore[union-attr]
        rest = doc.text[value.end:end].strip()
        pad = " " * doc.column(first.start)  # type: ignore[union-attr]
        editor.edits.append(Edit(line_start(doc, dash), end, pad + rest + "\n" if rest else ""))
        return
    editor.edits.append(Edit(dash, dash + 1, " "))
    if app.name_entry is not None and isinstance(node, Mapping):
        editor.remove(node, "name")
