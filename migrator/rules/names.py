"""UPS013: application, worker and service names outside Upsun's naming rule are errors.

Upsun's documentation allows service names of lowercase alphanumeric characters, hyphens and
underscores; it gives no rule for application and worker names (migrator/facts.py has the
sources, and where they disagree). The tool applies the service rule to every container: a
name outside it is reported with its line, and is never written into a command (the
`upsun resources:set` command leaves that container out, whatever --select/--ignore say).
"""

from __future__ import annotations

from migrator import facts
from migrator.model import ContainerKind, Location, Severity
from migrator.rules.context import Container, MigrationContext
from migrator.upsun.names import allowed
from migrator.yamltext.nodes import Mapping

CODE = "UPS013"
TITLE = "names"


def apply(ctx: MigrationContext) -> None:
    reported: set[tuple[Location, str]] = set()
    for container in ctx.containers() + ctx.services():
        name = _own_name(container)
        if allowed(name):
            continue
        where = _location(ctx, container)
        if (where, name) not in reported:
            reported.add((where, name))
            ctx.warn(CODE, where, _message(container.kind, name), Severity.ERROR)


def _own_name(container: Container) -> str:
    """The name this container adds: the app's, the worker's key, the service's key."""
    return container.worker if container.worker is not None else container.name


def _location(ctx: MigrationContext, container: Container) -> Location:
    if container.kind is ContainerKind.SERVICE and ctx.project.services is not None:
        services = ctx.project.services
        return ctx.key_location(services.source, services.node, container.name)
    app = container.app
    assert app is not None
    if container.worker is not None:
        workers = app.mapping.get("workers")
        assert isinstance(workers, Mapping)
        return ctx.key_location(container.source, workers, container.worker)
    name_key = app.name_entry[0] if app.name_entry else None
    return ctx.location(app.source, name_key or app.entry or app.mapping)


def _message(kind: ContainerKind, name: str) -> str:
    rule = facts.CONTAINER_NAME_RULE
    if kind is ContainerKind.SERVICE:
        why = f"Upsun's naming rule for services: {rule} ({facts.SERVICE_NAME_SOURCE})"
    else:
        sources = facts.APP_NAME_SOURCES if kind is ContainerKind.APP \
            else facts.WORKER_NAME_SOURCES
        why = f"the rule this tool applies, Upsun's for services: {rule} ({sources})"
    label = {ContainerKind.APP: "application", ContainerKind.WORKER: "worker",
             ContainerKind.SERVICE: "service"}[kind]
    return (f"{label} name {name!r} is outside {why}; it is left out of the `upsun "
            "resources:set` command")
