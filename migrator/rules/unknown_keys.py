"""UPS011: keys Upsun does not accept leave the output; each is reported with its text.

The lists are the properties of Upsun's configuration schema. Upsun rejects any other key,
so a stray `cron:` or a typo would stop the deployment; the report keeps what was removed.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from migrator import yamlio
from migrator.comments import remove_key
from migrator.context import MigrationContext, yaml_path

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


def apply(ctx: MigrationContext) -> None:
    for container in ctx.containers():
        allowed = APP_KEYS if container.worker is None else WORKER_KEYS
        _remove_unknown(ctx, container.node, allowed, container.app.file, container.path)
    services = ctx.services()
    for name in services:
        if isinstance(services[name], CommentedMap):
            _remove_unknown(ctx, services[name], SERVICE_KEYS, ctx.services_file,
                            ("services", name))
    document = ctx.project.routes
    if document is not None:
        for url in document.node:
            if isinstance(document.node[url], CommentedMap):
                _remove_unknown(ctx, document.node[url], ROUTE_KEYS, document.file,
                                ("routes", url))
                _remove_nulls(ctx, document.node[url], document.file, ("routes", url))


def _remove_nulls(ctx: MigrationContext, route: CommentedMap, file: str,
                  path: tuple[str, ...]) -> None:
    """A null `primary`, `id` or TLS setting meant "the default"; Upsun wants it left out."""
    for key in ("primary", "id"):
        if key in route and route[key] is None:
            _drop_null(ctx, route, key, file, (*path, key))
    tls = route.get("tls")
    if isinstance(tls, CommentedMap):
        for key in yamlio.own_keys(tls):
            if tls[key] is None:
                _drop_null(ctx, tls, key, file, (*path, "tls", key))
        hsts = tls.get("strict_transport_security")
        if isinstance(hsts, CommentedMap):
            for key in yamlio.own_keys(hsts):
                if hsts[key] is None:
                    _drop_null(ctx, hsts, key, file, (*path, "tls", "strict_transport_security",
                                                     key))


def _drop_null(ctx: MigrationContext, node: CommentedMap, key: str, file: str,
               path: tuple[str, ...]) -> None:
    location = ctx.location(file, node, key)
    remove_key(node, key)
    ctx.change(CODE, location, path, f"{key}: null", "(removed: null means the default)")


def _remove_unknown(ctx: MigrationContext, node: CommentedMap, allowed: frozenset[str],
                    file: str, path: tuple[str, ...]) -> None:
    for key in [k for k in node if k not in allowed]:
        holder = yamlio.own(node, key) or node
        location = ctx.location(file, holder, key)
        text = f"{key}: {yamlio.flow(node[key])}"
        remove_key(node, key)
        ctx.change(CODE, location, (*path, key), text, "(removed)")
        ctx.warn(CODE, location, f"`{yaml_path(*path, key)}` is not accepted by Upsun and was "
                 f"removed; it was: {text}")
