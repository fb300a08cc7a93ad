"""UPS011: keys Upsun does not accept leave the output; each is reported with its text.

The lists are the properties of Upsun's configuration schema. Upsun rejects any other key,
so a stray `cron:` or a typo would stop the deployment; the report keeps what was removed.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from migrator import yamlio
from migrator.comments import remove_key
from migrator.context import MigrationContext

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


def apply(ctx: MigrationContext) -> None:
    for container in ctx.containers():
        allowed = APP_KEYS if container.worker is None else WORKER_KEYS
        _remove_unknown(ctx, container.node, allowed, container.app.file, container.path)
    services = ctx.services()
    for name in services:
        if isinstance(services[name], CommentedMap):
            _remove_unknown(ctx, services[name], SERVICE_KEYS, ctx.services_file,
                            ("services", name))


def _remove_unknown(ctx: MigrationContext, node: CommentedMap, allowed: frozenset[str],
                    file: str, path: tuple[str, ...]) -> None:
    for key in [k for k in node if k not in allowed]:
        holder = yamlio.own(node, key) or node
        location = ctx.location(file, holder, key)
        text = f"{key}: {yamlio.flow(node[key])}"
        remove_key(node, key)
        ctx.change(CODE, location, (*path, key), text, "(removed)")
        ctx.warn(CODE, location, f"`{'.'.join(path)}.{key}` is not accepted by Upsun and was "
                 f"removed; it was: {text}")
