"""UPS001: each application becomes `applications.<name>`; its top-level `name` key goes.

Apps of a `.platform/applications.yaml` list become entries of a mapping: each `- ` gives way
to a `<name>:` line and the item keeps its lines, one level deeper.
"""

from __future__ import annotations

import re

from migrator.escape import dumps
from migrator.legacy.model import LegacyApp, SourceFile
from migrator.rules.context import MigrationContext
from migrator.yamltext.edits import Edit, line_end, line_start
from migrator.yamltext.flowtext import SIMPLE_KEY_LIMIT
from migrator.yamltext.nodes import Mapping, Node, Scalar, Sequence, resolve

_COMMENT = re.compile(r"(?:^|(?<=\s))#")
_SAFE_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")

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
    dash_at = dash(source, app.entry)
    column = doc.column(dash_at)
    node = app.mapping
    first = node.pairs[0][0] if node.pairs and not node.flow else None
    same_line = first is not None and doc.line(first.start) == doc.line(dash_at)
    name_first = same_line and first is not None and app.name_entry is not None \
        and app.name_entry[0] is first
    properties = doc.text[dash_at + 1:line_end(doc, dash_at)].strip()
    if not same_line and properties and properties[0] in "&!#" and first is not None:
        # `-   &site` alone on its line: the anchor (and a comment) go on the name's line
        lines = key_lines(app, " " + properties)
        editor.edits.append(Edit(line_start(doc, dash_at), line_end(doc, dash_at),
                                 "".join(" " * column + line + "\n" for line in lines)))
        if app.name_entry is not None:
            editor.remove(node, "name")
        return
    editor.lines_before(dash_at, key_lines(app), column)
    if name_first and app.name_entry is not None:
        value = app.name_entry[1]
        end = line_end(doc, max(first.end, value.end) - 1)  # type: ignore[union-attr]
        rest = doc.text[value.end:end].strip()
        pad = " " * doc.column(first.start)  # type: ignore[union-attr]
        editor.edits.append(Edit(line_start(doc, dash_at), end, pad + rest + "\n" if rest else ""))
        return
    editor.edits.append(Edit(dash_at, dash_at + 1, " "))
    if app.name_entry is not None and isinstance(node, Mapping):
        editor.remove(node, "name")


def dash(source: SourceFile, item: Node | None) -> int:
    """Offset of the `-` that introduces a list item (comment lines may stand between)."""
    assert item is not None
    doc, end = source.doc, item.start
    for line in range(doc.line(item.start), 0, -1):
        start = doc.line_starts[line - 1]
        code = _COMMENT.split(doc.text[start:end], 1)[0].rstrip()
        if code:
            return start + len(code) - 1
        end = start - 1
    raise AssertionError("a list item without a dash")


def _key_text(app: LegacyApp) -> str:
    """The app's name as a key: as the user quoted it when it is one line, else JSON-quoted."""
    entry = app.name_entry
    if entry is not None and isinstance(entry[1], Scalar) and entry[1].style in ("", "'", '"') \
            and entry[1].anchor is None and entry[1].tag is None:
        text = app.source.text[entry[1].start:entry[1].end]
        if "\n" not in text:
            return text
    return app.name if _SAFE_KEY.match(app.name) else dumps(app.name)


def key_lines(app: LegacyApp, after: str = "") -> list[str]:
    """The app's key line, `after` following its colon. A name too long for a simple key
    (libyaml and YAML's limit: 1024 characters) is written as an explicit key, `? name`."""
    text = _key_text(app)
    if len(text) < SIMPLE_KEY_LIMIT - 1:
        return [f"{text}:{after}"]
    return [f"? {text}", f":{after}"]
