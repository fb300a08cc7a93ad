"""Checks against Upsun's image registry: versions Upsun runs, endpoints images offer, profiles.

UPS201 reports a version by its status on Upsun, as Upsun defines the statuses (`facts.LIFECYCLE`:
deprecated and retired versions are warnings, a decommissioned one an error), a version the
registry does not list and an image it does not know (errors: the schema refuses them), and a
service image used as an application or the other way round. UPS202 reports a relationship
endpoint the target does not offer. UPS203 is `--upgrade-retired`: a retired, decommissioned or
unlisted version is rewritten to the nearest supported one above it; upgrading a database is
never done silently, and the report says how to move data.

The same code runs on the legacy files (`migrate`, with `apply`) and on `.upsun/` (`validate` and
`migrate --check` of a migrated repository, with `run`): both hand it `Containers` of the
engine's node trees, so the codes, severities, messages and lines are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from migrator import facts
from migrator.model import ContainerKind, Finding, Location, Severity
from migrator.rules.context import Container, MigrationContext, scalar_text
from migrator.upsun import composable
from migrator.upsun.registry import Registry
from migrator.yamltext.nodes import Mapping, Node, Scalar, Sequence, to_data

VERSION = "UPS201"
ENDPOINT = "UPS202"
UPGRADE = "UPS203"
TITLES = {VERSION: "image-version", ENDPOINT: "endpoint", UPGRADE: "upgrade-retired"}
#: The statuses `--upgrade-retired` moves to the nearest supported version (and unlisted ones).
UPGRADED = frozenset({"retired", "decommissioned"})

#: Rewrites a container's type (`--upgrade-retired`): the new type, or None when it cannot.
Upgrader = Callable[[Container, str, Location], str | None]


@dataclass
class Checked:
    """What the checks read (applications with their workers, and services, as containers of
    parsed files) and what they found."""

    containers: list[Container]  # applications, each followed by its workers
    services: list[Container]
    findings: list[Finding] = field(default_factory=list)
    profiles: dict[str, str] = field(default_factory=dict)  # container -> default profile

    def warn(self, code: str, location: Location, message: str,
             severity: Severity = Severity.WARNING) -> None:
        self.findings.append(Finding(code, severity, location, message))

    @property
    def apps(self) -> list[Container]:
        return [c for c in self.containers if c.kind is ContainerKind.APP]


def apply(ctx: MigrationContext, registry: Registry, upgrade: bool) -> None:
    """The checks on the legacy files, with `--upgrade-retired` editing them when asked."""
    checked = Checked(ctx.containers(), ctx.services())

    def rewrite(container: Container, type_: str, location: Location) -> str | None:
        return _upgrade(ctx, registry, container, type_, location)

    run(checked, registry, rewrite if upgrade else None)
    ctx.findings += checked.findings
    ctx.profiles.update(checked.profiles)


def run(checked: Checked, registry: Registry, upgrade: Upgrader | None = None) -> None:
    """Every check, its findings and the containers' default profiles recorded in `checked`;
    with `upgrade`, a retired, decommissioned or unlisted version is rewritten first."""
    for container in checked.apps + checked.services:
        type_ = scalar_text(container.node.get("type"))
        if type_ is None:
            continue
        location = key_location(container, container.node, "type")
        found = registry.lookup(type_)
        if found is not None and found.profile:
            for name in _containers(checked, container):
                checked.profiles[name] = found.profile
        status = found.status if found is not None else None
        if upgrade is not None and registry.known_image(type_) and \
                (status is None or status in UPGRADED):
            type_ = upgrade(container, type_, location) or type_
        problem = version_problem(registry, type_, container.kind is ContainerKind.SERVICE)
        if problem is not None:
            checked.warn(VERSION, location, *problem)
        if container.kind is ContainerKind.APP:
            _check_stack(checked, registry, container, type_)
    _check_endpoints(checked, registry)


def version_problem(registry: Registry, type_: str,
                    is_service: bool) -> tuple[str, Severity] | None:
    """What UPS201 says of a type, and how severe it is; None when there is nothing to say."""
    image, version = registry.image(type_)
    if not registry.known_image(type_):
        return (f"{type_}: Upsun's image registry has no image {image!r}: "
                f"{facts.UNLISTED.value}", Severity.ERROR)
    if registry.is_runtime(type_) == is_service:
        kind = "an application runtime on Upsun, not a service image" if is_service else \
            "a service image on Upsun, not an application runtime"
        return f"{type_} is {kind}: {facts.UNLISTED.value}", Severity.ERROR
    found = registry.lookup(type_)
    if found is None:
        listed = ", ".join(registry.versions(type_)) or "none"
        missing = f"{type_} names no version (Upsun's image registry lists {image} {listed})" \
            if not version else (f"{type_}: Upsun's image registry lists no version {version!r} "
                                 f"of {image} (it lists {listed})")
        return f"{missing}: {facts.UNLISTED.value}" + _alternatives(registry, type_), \
            Severity.ERROR
    lifecycle = facts.LIFECYCLE.value.get(found.status)
    if lifecycle is None:
        return (f"{type_} has the status {found.status!r} on Upsun, which Upsun's registry "
                "schema does not define" + _alternatives(registry, type_), Severity.WARNING)
    if lifecycle.severity is None:
        return None
    return (f"{type_} is {found.status} on Upsun: {lifecycle.meaning}"
            + _alternatives(registry, type_), Severity(lifecycle.severity))


def _alternatives(registry: Registry, type_: str) -> str:
    supported = registry.supported(type_)
    if not supported:
        return f"; Upsun lists no supported version of {registry.image(type_)[0]}"
    return f"; supported versions, nearest first: {', '.join(supported)}"


def key_location(container: Container, mapping: Mapping, key: str) -> Location:
    entry = mapping.entry(key)
    node = entry[0] if entry else mapping
    return Location(container.source.rel, container.source.line(node.start))


def _check_stack(checked: Checked, registry: Registry, container: Container,
                 type_: str) -> None:
    """The runtimes a composable stack names, against the channel (after any upgrade); each
    finding on the line of its stack item."""
    image, channel = registry.image(type_)
    stack = container.node.get("stack")
    if image != composable.IMAGE or stack is None or registry.lookup(type_) is None:
        return
    location = key_location(container, container.node, "stack")
    packages = registry.packages(type_)
    if not packages:
        checked.warn(VERSION, location, f"stack: runtimes not checked: Upsun publishes no "
                     f"runtime list for {type_}", Severity.INFO)
        return
    runtimes = stack.get("runtimes") if isinstance(stack, Mapping) else stack
    items = runtimes.items if isinstance(runtimes, Sequence) else []
    for index, is_error, message in composable.stack_problems(to_data(stack), channel, packages):
        where = Location(container.source.rel, container.source.line(items[index].start)) \
            if index < len(items) else location
        checked.warn(VERSION, where, message, Severity.ERROR if is_error else Severity.WARNING)


def _containers(checked: Checked, container: Container) -> list[str]:
    """The containers an app's or a service's image runs: a service, or an app and its
    workers."""
    if container.kind is ContainerKind.SERVICE:
        return [container.name]
    return [c.name for c in checked.containers if c.path[:2] == container.path[:2]]


def _upgrade(ctx: MigrationContext, registry: Registry, container: Container, type_: str,
             location: Location) -> str | None:
    """Rewrite the type to the nearest supported version above; the new type, or None."""
    target = registry.upgrade(type_)
    entry = container.node.entry("type")
    if target is None or entry is None or not isinstance(entry[1], Scalar):
        return None
    quote = entry[1].style if entry[1].style in ("'", '"') else ""
    ctx.editor(container.source).replace(entry[1], f"{quote}{target}{quote}")
    path = (*container.path, "type")
    ctx.expect(path, target)
    ctx.change(UPGRADE, location, path, type_, target)
    if container.kind is ContainerKind.SERVICE:
        ctx.warn(UPGRADE, location, f"{container.name}: {type_} was upgraded to {target}: "
                 "export the data before the switch and import it into the new service")
    return target


def _relationship_maps(checked: Checked) -> list[tuple[Mapping, Container]]:
    """Every relationships mapping of apps, workers and services, once per mapping."""
    found: list[tuple[Mapping, Container]] = []
    seen: set[Node] = set()
    for container in checked.containers + checked.services:
        relationships = container.node.get("relationships")
        if isinstance(relationships, Mapping) and relationships not in seen:
            seen.add(relationships)
            found.append((relationships, container))
    return found


def _check_endpoints(checked: Checked, registry: Registry) -> None:
    services = {service.name: service.node for service in checked.services}
    apps = {app.name for app in checked.apps}
    for relationships, container in _relationship_maps(checked):
        for name, value in relationships.items():
            target, endpoint = _target(value)
            if not target or not endpoint or (target not in services and target not in apps):
                continue
            location = key_location(container, relationships, name)
            if target not in services:
                if endpoint != "http":
                    checked.warn(ENDPOINT, location, f"relationship {name!r}: {target} offers "
                                 f"no endpoint {endpoint!r} (it offers: http)")
                continue
            type_, offered, own = _offered(registry, services[target])
            if endpoint in own or type_ is None:
                continue
            if offered is None:
                checked.warn(ENDPOINT, location, f"relationship {name!r}: endpoint {endpoint!r} "
                             "not checked: " + facts.NO_ENDPOINT_DATA.value.format(type=type_),
                             Severity.INFO)
            elif endpoint not in offered:
                checked.warn(ENDPOINT, location, f"relationship {name!r}: {target} offers no "
                             f"endpoint {endpoint!r} (it offers: "
                             f"{', '.join(sorted(set(offered + own)))})")


def _target(value: Node) -> tuple[str, str]:
    """The service and endpoint a relationship names (`db:mysql` or {service, endpoint})."""
    text = scalar_text(value)  # core tags read as YAML says: `!!str db:mysql`
    if text is not None and ":" in text:
        target, _, endpoint = text.partition(":")
        return target, endpoint
    if isinstance(value, Mapping):
        return scalar_text(value.get("service")) or "", scalar_text(value.get("endpoint")) or ""
    return "", ""


def _offered(registry: Registry, service: Node) -> tuple[str | None, list[str] | None,
                                                          list[str]]:
    """A service's type (None: not a known image version, nothing to check), the endpoints its
    image offers (None: the registry has no endpoint data for it) and its own
    (`configuration.endpoints`)."""
    type_ = scalar_text(service.get("type")) if isinstance(service, Mapping) else None
    found = registry.lookup(type_) if type_ is not None else None
    if found is None:
        return None, None, []
    configuration = service.get("configuration") if isinstance(service, Mapping) else None
    endpoints = configuration.get("endpoints") if isinstance(configuration, Mapping) else None
    own = endpoints.keys() if isinstance(endpoints, Mapping) else []
    return type_, list(found.endpoints) if found.endpoints is not None else None, own
