"""The edited legacy files, nested into one `.upsun/config.yaml` text.

Each file is placed under `applications.<name>`, `services` or `routes` by prefixing its lines
with its own indentation unit. The `applications` level is indented like applications.yaml
(or like the first app file) so that every application key stands in one column.
"""

from __future__ import annotations

from migrator.legacy.model import LegacyApp, LegacyDocument, SourceFile
from migrator.rules.applications import dash, key_lines
from migrator.rules.context import MigrationContext
from migrator.yamltext.anchors import canonical_tags, renames
from migrator.yamltext.edits import Edit, comments, content_start, line_end, line_start
from migrator.yamltext.nest import prefix, unit
from migrator.yamltext.nodes import Mapping, Scalar, Sequence, resolve


def assemble(ctx: MigrationContext) -> str:
    _rename_anchors(ctx)
    parts = [_applications(ctx)]
    for key, document in (("services", ctx.project.services), ("routes", ctx.project.routes)):
        parts.append(_section(ctx, key, document, "services" if key == "services"
                              else "routes"))
    text = "".join(part if part.endswith("\n") or not part else part + "\n" for part in parts)
    return text.replace("\n", "\r\n") if ctx.project.crlf else text


def _rename_anchors(ctx: MigrationContext) -> None:
    """One document defines an anchor name once: the files nested into the config, in the
    order they are nested, rename the names an earlier one defines."""
    project, taken = ctx.project, set[str]()
    nested = [app.source for app in project.apps if app.entry is None or app.source is not
              project.applications]
    nested += [project.applications] if project.applications is not None else []
    nested += [d.source for d in (project.services, project.routes) if d is not None]
    for source in nested:
        if source.doc.anchors:
            ctx.editor(source).edits.extend(renames(source.doc, taken))


def edited(ctx: MigrationContext, source: SourceFile) -> str:
    """The text of one legacy file after every rule's edits, ending with a line break; its
    directives and document markers left out (their comments kept), its tags as they read
    without the directives."""
    editor = ctx.editor(source)
    _drop_markers(ctx, source)
    editor.edits.extend(canonical_tags(source.doc))
    if source.text and not source.text.endswith("\n"):
        _strip_last_block_scalar(ctx, source)
    text = editor.result()
    return text if text.endswith("\n") or not text else text + "\n"


def _strip_last_block_scalar(ctx: MigrationContext, source: SourceFile) -> None:
    """A `|` block scalar that ends the file without a line break has no final newline; once
    the file is followed by others it would gain one, so it becomes `|-` (same value)."""
    node = source.doc.root
    while isinstance(node, (Mapping, Sequence)):
        children = [v for _, v in node.pairs] if isinstance(node, Mapping) else node.items
        if not children:
            return
        node = children[-1]
    if not isinstance(node, Scalar) or node.style not in ("|", ">") \
            or node.end != len(source.text.rstrip(" \n")):
        return
    header = source.text[node.start:line_end(source.doc, node.start)]
    indicator = header.split("#")[0].rstrip()
    if "-" in indicator or "+" in indicator:
        return
    at = node.start + len(header.split("#")[0].rstrip())
    ctx.editor(source).insert(at, "-")


def _drop_markers(ctx: MigrationContext, source: SourceFile) -> None:
    """Directives and `---` (with the root's properties written on its line) go, and `...`;
    the comments on their lines stay, as lines of their own."""
    doc, editor = source.doc, ctx.editor(source)
    if doc.start_marker is not None:
        start = line_start(doc, doc.start_marker[0])
        root = doc.root
        end = content_start(doc, root) if root is not None else \
            line_end(doc, doc.start_marker[1] - 1)
        if root is not None and doc.line(end) > doc.line(doc.start_marker[1]):
            end = line_start(doc, end)  # the content starts on a line of its own
        kept = "".join(c.text + "\n" for c in comments(doc, start, end))
        editor.edits.append(Edit(start, end, kept))
    if doc.end_marker is not None:
        start = line_start(doc, doc.end_marker[0])
        end = line_end(doc, doc.end_marker[0])
        kept = "".join(c.text + "\n" for c in comments(doc, start, end))
        editor.edits.append(Edit(start, end, kept))


def _section(ctx: MigrationContext, key: str, document: LegacyDocument | None,
             default: str) -> str:
    if document is None:
        source = ctx.project.sources.get(f".platform/{default}.yaml")
        return _comments_only(source) if source is not None else ""
    text = edited(ctx, document.source)
    if not document.node.pairs:
        return _comments_only(document.source)
    return f"{key}:\n" + prefix(text, unit(document.source.doc))


def _comments_only(source: SourceFile) -> str:
    """A file with no entries (empty, or only comments): its comments, at the top level."""
    return "".join(comment.text + "\n" for comment in comments(source.doc))


def _applications(ctx: MigrationContext) -> str:
    project = ctx.project
    applications = project.applications
    if applications is not None:
        assert applications.doc.root is not None
        listed = resolve(applications.doc.root)
        column = _entry_column(applications, listed)
        header = column + unit(applications.doc)
    else:
        header = unit(project.apps[0].source.doc)
    out = ["applications:\n"]
    for app in project.apps:
        if app.entry is None:
            body = prefix(edited(ctx, app.source), header + unit(app.source.doc))
            out.append("".join(" " * header + line + "\n" for line in key_lines(app)) + body)
        elif app.source is not applications:
            _inline_include(ctx, app)
    if applications is not None:
        out.append(prefix(edited(ctx, applications), unit(applications.doc)))
    return "".join(out)


def _entry_column(source: SourceFile, listed: object) -> int:
    if isinstance(listed, Sequence) and listed.items:
        return source.doc.column(dash(source, listed.items[0]))
    if isinstance(listed, Mapping) and listed.pairs:
        return source.doc.column(listed.pairs[0][0].start)
    return 0


def _inline_include(ctx: MigrationContext, app: LegacyApp) -> None:
    """`- !include app.yaml` (or `name: !include ...`): the included text takes its place."""
    applications = ctx.project.applications
    assert applications is not None and app.entry is not None
    assert applications.doc.root is not None
    listed = resolve(applications.doc.root)
    doc = applications.doc
    included = edited(ctx, app.source)
    start = line_start(doc, app.entry.start)
    end = line_end(doc, app.entry.end - 1)
    kept = [c.text for c in comments(doc, start, end)]
    if isinstance(listed, Sequence):
        pad = doc.column(dash(applications, app.entry))
        head = "".join(" " * pad + line + "\n" for line in key_lines(app))
        text = head + "".join(" " * (pad + unit(doc)) + c + "\n" for c in kept)
        text += prefix(included, pad + unit(app.source.doc))
        ctx.editor(applications).edits.append(Edit(start, end, text))
    else:
        assert isinstance(listed, Mapping)
        pad = doc.column(next(k.start for k, v in listed.pairs if v is app.entry))
        text = "".join(" " + c for c in kept[:1]) + "\n" + prefix(included,
                                                                  pad + unit(app.source.doc))
        ctx.editor(applications).edits.append(Edit(app.entry.start, end, text))
    if not text.endswith("\n"):
        last = ctx.editor(applications).edits[-1]
        ctx.editor(applications).edits[-1] = Edit(last.start, end, text + "\n")
