"""UPS011: keys Upsun does not accept leave the output; each is reported with its text.

The lists are the properties of Upsun's configuration schema. Upsun rejects any other key,
so a stray `cron:` or a typo would stop the deployment; the report keeps what was removed.
A null `primary`, `id` or TLS setting of a route meant "the default" and goes too. Where the
key came through a `<<` merge, or the null overrode a merged value, the merged keys are written
out in that mapping instead (the anchor stays as it is for the others).
"""

from __future__ import annotations

from migrator.context import MISSING, MigrationContext, yaml_path
from migrator.discovery import SourceFile
from migrator.yamltext.editor import Editor
from migrator.yamltext.edits import (
    Copy,
    Edit,
    content_start,
    first_on_line,
    line_end,
    line_start,
)
from migrator.yamltext.flowtext import flow_text
from migrator.yamltext.nodes import Mapping, Node, Scalar, is_merge_key, to_data
from migrator.yamltext.parse import Document
from migrator.yamltext.render import flow

CODE = "UPS011"
TITLE = "unknown-keys"

APP_KEYS = frozenset({
    "resources", "container_profile", "access", "relationships", "mounts", "timezone",
    "variables", "firewall", "type", "runtime", "preflight", "dependencies", "build", "source",
    "web", "operations", "hooks", "crons", "workers", "additional_hosts", "stack"})
WORKER_KEYS = frozenset({"firewall", "variables", "timezone", "mounts", "relationships",
                         "access", "size", "resources", "commands"})
SERVICE_KEYS = frozenset({"type", "size", "access", "configuration", "relationships", "firewall",
                          "resources", "container_profile"})
ROUTE_KEYS = frozenset({"primary", "id", "attributes", "type", "redirects", "tls", "to", "cache",
                        "ssi", "upstream"})
_ALREADY_HANDLED = frozenset({"name", "size", "disk", "resources"})  # UPS001, UPS005


def apply(ctx: MigrationContext) -> None:
    done: set[Node] = set()
    for container in ctx.containers():
        allowed = APP_KEYS if container.worker is None else WORKER_KEYS
        _remove(ctx, container.node, allowed, container.source, container.path, done)
    for service in ctx.services():
        _remove(ctx, service.node, SERVICE_KEYS, service.source, service.path, done)
    for route in ctx.places.routes:
        path = ("routes", route.url)
        _remove(ctx, route.node, ROUTE_KEYS, route.source, path, done)
        _remove_nulls(ctx, route.node, route.source, path, ("primary", "id"), done)
        tls = route.node.get("tls")
        if isinstance(tls, Mapping):
            _remove_nulls(ctx, tls, route.source, (*path, "tls"), tls.keys(), done)
            hsts = tls.get("strict_transport_security")
            if isinstance(hsts, Mapping):
                _remove_nulls(ctx, hsts, route.source, (*path, "tls", "strict_transport_security"),
                              hsts.keys(), done)


def _remove(ctx: MigrationContext, node: Mapping, allowed: frozenset[str], source: SourceFile,
            path: tuple[str, ...], done: set[Node]) -> None:
    unknown = [k for k in node if k not in allowed and k not in _ALREADY_HANDLED]
    for key in unknown:
        entry = node.entry(key)
        assert entry is not None
        location = ctx.location(source, entry[0])
        text = f"{key}: {flow(to_data(entry[1]))}"
        ctx.expect((*path, key), MISSING)
        ctx.change(CODE, location, (*path, key), text, "(removed)")
        ctx.warn(CODE, location, f"`{yaml_path(*path, key)}` is not accepted by Upsun and was "
                 f"removed; it was: {text}")
    _drop(ctx.editor(source), node, unknown, done,
          "{}: removed, Upsun does not accept this key (see the migration report)")


def _remove_nulls(ctx: MigrationContext, node: Mapping, source: SourceFile,
                  path: tuple[str, ...], keys: list[str] | tuple[str, ...],
                  done: set[Node]) -> None:
    """A null `primary`, `id` or TLS setting meant "the default"; Upsun wants it left out."""
    nulls = [key for key in keys if isinstance(node.get(key), Scalar)
             and node.get(key).is_null]  # type: ignore[union-attr]
    for key in nulls:
        entry = node.entry(key)
        assert entry is not None
        ctx.expect((*path, key), MISSING)
        ctx.change(CODE, ctx.location(source, entry[0]), (*path, key), f"{key}: null",
                   "(removed: null means the default)")
    _drop(ctx.editor(source), node, nulls, done, "{}: null removed (null meant the default)")


def _drop(editor: Editor, node: Mapping, keys: list[str], done: set[Node], hint: str) -> None:
    """Remove keys from a mapping's text; when one is merged in, or would let a merged value
    show through, the merged keys are written out in this mapping instead of the `<<` entry."""
    if not keys:
        return
    unmerge = bool(node.merges) and any(
        node.holder(key) is not node or any(key in source for source in node.merges)
        for key in keys)
    if unmerge and node.flow:
        if node not in done:
            done.add(node)
            _rewrite_flow(editor, node, set(keys), [hint.format(key) for key in keys])
        return
    for key in keys:
        entry = node.own(key)
        if entry is not None and entry[0] not in done and entry[0] not in editor.removed:
            done.add(entry[0])
            editor.remove(node, key, [hint.format(key)])
    if unmerge and node not in done:
        done.add(node)
        _write_out_merges(editor, node, set(keys))
    elif not node.flow and not node.merges and set(node.own_keys()) <= set(keys):
        editor.emptied(node)


def _merged(editor: Editor, node: Mapping,
            dropped: set[str]) -> list[tuple[Scalar, Node, Mapping]]:
    """The merged entries (and the mappings holding them) this mapping does not override,
    nor drops, nor has a rule removed from the mapping they come from."""
    own = set(node.own_keys())
    entries = []
    for name in node:
        entry, holder = node.entry(name), node.holder(name)
        if name not in own and name not in dropped and entry is not None \
                and holder is not None and entry[0] not in editor.removed:
            entries.append((*entry, holder))
    return entries


def _rewrite_flow(editor: Editor, node: Mapping, dropped: set[str], hints: list[str]) -> None:
    """A flow mapping with `<<` is written again: merged entries in place of `<<`, own
    entries as they were, dropped ones left out (each with the edits made inside it); the
    hints go on a line before it."""
    from migrator.yamltext.editor import outermost_flow

    doc = editor.doc
    parts: list[str | Copy] = ["{"]
    for key, value in node.pairs:
        if is_merge_key(key):
            entries = [_flow_entry(editor, key, value)
                       for key, value, _ in _merged(editor, node, dropped)]
        elif key.value not in dropped:
            entries = [(Copy(key.start, max(key.end, value.end)),)]
        else:
            continue
        for entry in entries:
            parts += ([", "] if len(parts) > 1 else []) + list(entry)
    parts.append("}")
    editor.edits.append(Edit(content_start(doc, node), node.end, tuple(parts)))
    editor.lines_before(outermost_flow(doc, node).start, [f"# {hint}" for hint in hints])


def _flow_entry(editor: Editor, key: Scalar, value: Node) -> tuple[str | Copy, ...]:
    """A merged entry written inside a flow mapping: its text when it is one line, else its
    value in flow style (refused when the migration edits inside it)."""
    doc = editor.doc
    if "\n" not in doc.text[key.start:value.end]:
        return (Copy(key.start, max(key.end, value.end)),)
    text = flow_text(doc, value)
    edited = any(value.start <= edit.start and edit.end <= value.end
                 for edit in editor.merged_edits())
    if text is None or edited:
        raise editor.refuse(f"cannot write the merged `{key.value}` (line "
                            f"{doc.line(key.start)}) into this flow mapping; write the "
                            "mapping in block style", value)
    return (Copy(key.start, key.end), ": ", text)


def _write_out_merges(editor: Editor, node: Mapping, dropped: set[str]) -> None:
    """Replace the `<<` entry of a block mapping by the merged entries, each with its own
    lines (and the edits made in them), moved to this mapping's column."""
    doc = editor.doc
    merges = [pair for pair in node.pairs if is_merge_key(pair[0])]
    if len(merges) != 1:
        raise editor.refuse("a mapping with more than one `<<` entry", node)
    key, value = merges[0]
    entries = _merged(editor, node, dropped)
    if not entries:
        editor.remove_entry(node, merges[0])
        return
    if not first_on_line(doc, key.start):
        raise editor.refuse("cannot write out the merged keys of a `<<` written on the same "
                            "line as a list dash; put it on a line of its own", key)
    end = line_end(doc, max(key.end, value.end) - 1)
    column = doc.column(key.start)
    parts: list[str | Copy] = []
    for entry in entries:
        parts += _block_entry(doc, *entry, column)
    editor.edits.append(Edit(line_start(doc, key.start), end, tuple(parts)))


def _block_entry(doc: Document, key: Scalar, value: Node, holder: Mapping,
                 column: int) -> list[str | Copy]:
    """The lines of an entry (with the comments among them), moved to `column`, ending with
    a line break; an entry of a flow mapping is its own text."""
    shift = column - doc.column(key.start)
    if holder.flow:
        return [" " * column, Copy(key.start, max(key.end, value.end), shift), "\n"]
    end = line_end(doc, max(key.end, value.end) - 1)
    tail = [] if doc.text[end - 1:end] == "\n" else ["\n"]
    if first_on_line(doc, key.start):
        return [Copy(line_start(doc, key.start), end, shift, whole_lines=True), *tail]
    return [" " * column, Copy(key.start, end, shift), *tail]
