"""The data a migration leaves behind: the databases and mounts of the Platform.sh project, and
the commands Upsun's and Platform.sh's docs publish to move them into the new Upsun project.

Upsun Flex is a new project (Upsun's migration guide: export, create, convert, push, import the
data, upload the files): nothing of the old project's data comes with the configuration. Every
command is one the docs publish (`migrator.facts`, section moving data); every name from the
repository is quoted for the shell; what the docs give no command for is named, with what they
say of it.
"""

from __future__ import annotations

import re
import shlex

from migrator import facts
from migrator.model import ContainerKind, DataMove
from migrator.rules.context import Container, MigrationContext, scalar_text
from migrator.yamltext.nodes import Mapping, Node, Scalar, Sequence

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
#: Mount sources whose files outlive a deployment (`tmp` is not moved: files "you're not afraid
#: to lose", Upsun's docs say).
KEPT_SOURCES = frozenset({"local", "storage", "instance", "service"})


def plan(ctx: MigrationContext) -> tuple[DataMove, ...]:
    """Every database service, other service with a persistent disk, and mount of the legacy
    project, in file order."""
    return tuple(_services(ctx) + _mounts(ctx))


def _services(ctx: MigrationContext) -> list[DataMove]:
    moves: list[DataMove] = []
    for service in ctx.services():
        type_ = scalar_text(service.node.get("type"))
        if type_ is None or type_.startswith("network-storage:"):
            continue  # network storage: its files move with the mounts that use it
        name = f"`{service.name}` ({type_})"
        image = type_.partition(":")[0]
        if image in facts.SQL_IMAGES.value:
            moves += _database(ctx, service, name)
        elif image in facts.EXPORT_PAGES.value:
            moves.append(DataMove(f"Service {name}", note="Upsun's docs describe exporting its "
                                  "data through an SSH tunnel with the database's own tools "
                                  f"({facts.EXPORT_PAGES.value[image]}), and publish no import "
                                  "command"))
        elif image in facts.REBUILT_FROM_PRIMARY.value:
            moves.append(DataMove(f"Service {name}", note="Upsun's export guide says the data "
                                  "of services such as Redis or Solr can generally be rebuilt "
                                  "from the primary data store, and publishes no command"))
        elif _has_disk(service.node):
            moves.append(DataMove(f"Service {name}", note="it had a persistent disk on "
                                  "Platform.sh, and Upsun's docs publish no way to move its "
                                  "data"))
    return moves


def _has_disk(service: Mapping) -> bool:
    """Whether the legacy service had a persistent disk (`disk`: "can't be set for
    memory-resident-only services", Platform.sh's docs say); one without holds nothing on a
    disk to move."""
    disk = service.get("disk")
    return isinstance(disk, Scalar) and not disk.is_null


def _database(ctx: MigrationContext, service: Container, name: str) -> list[DataMove]:
    found = _relationship_to(ctx, service.name)
    if found is None:
        return [DataMove(f"Database {name}", note="no application has a relationship to it, and "
                         "`db:dump` and `sql` reach a database through one: move its data by "
                         "hand")]
    app, relationship = found
    schemas: list[str | None] = list(_schemas(service.node)) or [None]
    moves = []
    for schema in schemas:
        file = local_path(service.name if schema is None else f"{service.name}-{schema}") + ".sql"
        values = {"app": shlex.quote(app), "relationship": shlex.quote(relationship),
                  "schema": "" if schema is None else f" --schema {shlex.quote(schema)}",
                  "file": shlex.quote(file), "environment": _environment(ctx)}
        subject = f"Database {name}" + ("" if schema is None else f", schema `{schema}`")
        moves.append(DataMove(
            f"{subject}, through the relationship `{relationship}` of `{app}`", (
                facts.DUMP.value.format(project=facts.PLATFORMSH_PROJECT, **values),
                facts.IMPORT.value.format(project=facts.UPSUN_PROJECT, **values))))
    return moves


def _environment(ctx: MigrationContext) -> str:
    """The `-e` of every command: `--environment`, quoted, else the placeholder to fill in."""
    given = ctx.settings.environment
    return shlex.quote(given) if given else facts.ENVIRONMENT


def _relationship_to(ctx: MigrationContext, service: str) -> tuple[str, str] | None:
    """The first application relationship that names the service: (app, relationship)."""
    for container in ctx.containers():
        if container.kind is not ContainerKind.APP:
            continue
        relationships = container.node.get("relationships")
        if not isinstance(relationships, Mapping):
            continue
        for relationship, value in relationships.items():
            if _target(value) == service:
                return container.name, relationship
    return None


def _target(value: Node) -> str | None:
    if isinstance(value, Scalar) and value.tag is None:
        return value.value.partition(":")[0]
    return scalar_text(value.get("service")) if isinstance(value, Mapping) else None


def _schemas(service: Mapping) -> list[str]:
    """The schemas a service's `configuration.schemas` lists, when it lists more than one."""
    configuration = service.get("configuration")
    schemas = configuration.get("schemas") if isinstance(configuration, Mapping) else None
    names = [item.value for item in schemas.items if isinstance(item, Scalar)] \
        if isinstance(schemas, Sequence) else []
    return names if len(names) > 1 else []


def _mounts(ctx: MigrationContext) -> list[DataMove]:
    moves: list[DataMove] = []
    shared: set[tuple[str, str]] = set()  # network storage reached by two mounts: moved once
    for container in ctx.containers():
        app = container.app.name if container.app is not None else container.name
        for path, value in _mount_entries(container):
            source, source_path, storage = _mount_source(value, path)
            if source not in KEPT_SOURCES:
                continue
            if source == "service":
                if (storage, source_path) in shared:
                    continue
                shared.add((storage, source_path))
            mount = path.strip("/")
            worker = f" --worker {shlex.quote(container.worker)}" if container.worker else ""
            values = {"app": shlex.quote(app), "worker": worker, "mount": shlex.quote(mount),
                      "folder": shlex.quote(local_path("mounts", container.name, mount)),
                      "environment": _environment(ctx)}
            kind = f"network storage `{storage}`" if source == "service" else f"{source} mount"
            moves.append(DataMove(f"Mount `{mount}` of `{container.name}` ({kind})", (
                facts.DOWNLOAD.value.format(project=facts.PLATFORMSH_PROJECT, **values),
                facts.UPLOAD.value.format(project=facts.UPSUN_PROJECT, **values))))
    return moves


def _mount_entries(container: Container) -> list[tuple[str, Node]]:
    found = []
    mounts = container.node.get("mounts")
    web = container.node.get("web") if container.kind is ContainerKind.APP else None
    web_mounts = web.get("mounts") if isinstance(web, Mapping) else None
    for holder in (mounts, web_mounts):
        if isinstance(holder, Mapping):
            found += list(holder.items())
    return found


def _mount_source(value: Node, path: str) -> tuple[str | None, str, str]:
    """A legacy mount's source, source path and network-storage service."""
    if isinstance(value, Scalar) and value.tag is None:
        return ("local" if value.value.startswith("shared:files") else None,
                value.value.removeprefix("shared:files").strip("/"), "")
    if not isinstance(value, Mapping):
        return None, "", ""
    source_path = scalar_text(value.get("source_path"))
    return (scalar_text(value.get("source")),
            source_path if source_path is not None else path.strip("/"),
            scalar_text(value.get("service")) or "")


def local_path(*parts: str) -> str:
    """A relative path on the user's machine made of names from the repository: each folder
    name of them kept to letters, digits, `.`, `_` and `-` (others become `_`), `.` and `..`
    left out (a part left empty becomes `_`), so that a dump or a download stays below the
    folder the user runs it in."""
    folders = []
    for part in parts:
        names = [_UNSAFE.sub("_", name) for name in part.split("/")]
        folders += [name for name in names if name.strip(".")] or ["_"]
    return "/".join(folders)
