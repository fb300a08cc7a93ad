"""A value shared through an alias or a `<<` merge, edited for one of its places.

An edit changes a value everywhere it is shared. The rules record what each place must hold;
when the run's proof finds a place that differs and the path to it goes through an alias or
a merge whose value an edit changed, the legacy file shared one value between places the
migration must treat apart (a service used as a template of another service's settings,
say). That is refused with the line of the alias or `<<`, and what to change: write the
value out there. Any other difference stays what it is, a bug.
"""

from __future__ import annotations

from typing import Any

from migrator.errors import RefusedError
from migrator.legacy.model import SourceFile
from migrator.rules.context import MigrationContext, yaml_path
from migrator.yamltext.nodes import Alias, Mapping, Node, Sequence, is_merge_key


def shared_refusal(ctx: MigrationContext, path: tuple[Any, ...]) -> RefusedError | None:
    """The refusal for a difference at `path` reached through an edited shared value."""
    start = _start(ctx, path)
    if start is None:
        return None
    source, node, rest = start
    for site, target in _references(node, rest):
        if _edited(ctx, source, target):
            how = ("merges (`<<`)", "the `<<` entry") if not isinstance(site, Alias) else \
                (f"is an alias (`{source.text[site.start:site.end]}`) of", "the alias")
            where = yaml_path(*path)
            return RefusedError(
                f"`{where}` {how[0]} the value at line {source.line(target.start)}, which the "
                f"migration changes where that value is defined; the change would reach "
                f"`{where}` too: write the value out here instead of {how[1]}", source.rel,
                source.line(site.start))
    return None


def _start(ctx: MigrationContext, path: tuple[Any, ...]) -> tuple[SourceFile, Node,
                                                                   tuple[Any, ...]] | None:
    if len(path) > 1 and path[0] == "applications":
        app = next((a for a in ctx.apps if a.name == path[1]), None)
        return (app.source, app.mapping, path[2:]) if app is not None else None
    document = {"services": ctx.project.services, "routes": ctx.project.routes}.get(
        path[0] if path else "")
    return (document.source, document.node, path[1:]) if document is not None else None


def _references(node: Node, rest: tuple[Any, ...]) -> list[tuple[Node, Node]]:
    """(alias or `<<` key, the value it brings) along the path, and the merges of where it
    ends (a difference of keys there may come from them)."""
    found: list[tuple[Node, Node]] = []
    for key in rest:
        if isinstance(node, Mapping) and isinstance(key, str) and node.entry(key) is not None:
            holder = node.holder(key)
            if holder is not node:
                found += _merge_sites(node)
            value = node.entry(key)[1]  # type: ignore[index]
        elif isinstance(node, Sequence) and isinstance(key, int) and key < len(node.items):
            value = node.items[key]
        else:
            return found
        if isinstance(value, Alias):
            found.append((value, value.target))
            value = value.target
        node = value
    if isinstance(node, Mapping):
        found += _merge_sites(node)
    return found


def _merge_sites(node: Mapping) -> list[tuple[Node, Node]]:
    return [(key, source) for key, _ in node.pairs if is_merge_key(key)
            for source in node.merges]


def _edited(ctx: MigrationContext, source: SourceFile, target: Node) -> bool:
    """Whether an edit of the file changes text inside the node."""
    editor = ctx.editor(source)
    return any(target.start <= edit.start and edit.end <= target.end and
               (edit.end > edit.start or target.start < edit.start < target.end)
               for edit in editor.merged_edits())
