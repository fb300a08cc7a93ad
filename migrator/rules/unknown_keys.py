"""UPS011: keys Upsun does not accept leave the output; each is reported with its text.

The lists are the properties of Upsun's configuration schema. Upsun rejects any other key,
so a stray `cron:` or a typo would stop the deployment; the report keeps what was removed.
A null `primary`, `id` or TLS setting of a route meant "the default" and goes too. Where the
key came through a `<<` merge, or the null overrode a merged value, the merged keys are written
out in that mapping instead (the anchor stays as it is for the others).
"""

from __future__ import annotations

from migrator.legacy.model import SourceFile
from migrator.rules.context import MISSING, MigrationContext, yaml_path
from migrator.yamltext.editor import Editor, outermost_flow
from migrator.yamltext.nodes import Mapping, Node, Scalar, to_data
from migrator.yamltext.render import flow

CODE = "UPS011"
TITLE = "unknown-keys"

APP_KEYS = frozenset({
    "resources", "container_profile", "access", "relationships", "mounts", "timezone",
    "variables", "firewall", "type", "runtime", "preflight", "dependencies", "build", "source",
    "web", "operations", "hooks", "crons", "workers", "additional_hosts", "stack"})
#: Upsun's schema lists no `container_profile` on workers; its docs and CLI accept it there
#: (`facts.WORKER_CONTAINER_PROFILE`), so a worker keeps its own.
WORKER_KEYS = frozenset({"firewall", "variables", "timezone", "mounts", "relationships",
                         "access", "size", "resources", "commands", "container_profile"})
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
    if unmerge:
        if node.flow and node not in done:
            editor.comments_before(outermost_flow(editor.doc, node).start,
                                   [hint.format(key) for key in keys])
        done.add(node)
        editor.unmerge(node, set(keys))
        if node.flow:
            return
    for key in keys:
        entry = node.own(key)
        if entry is not None and entry[0] not in done and entry[0] not in editor.removed:
            done.add(entry[0])
            editor.remove(node, key, [hint.format(key)])
    if not unmerge and not node.flow and not node.merges and set(node.own_keys()) <= set(keys):
        editor.emptied(node)
