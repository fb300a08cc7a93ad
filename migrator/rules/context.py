"""MigrationContext: what rules read (the legacy trees, walked once) and what they record
(edits on the legacy text, the values those edits must produce, changes, findings, sizings)."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from migrator.legacy.model import LegacyApp, LegacyProject, SourceFile
from migrator.model import (
    Change,
    ContainerKind,
    Finding,
    LegacySizing,
    Location,
    ResourceHint,
    Settings,
    Severity,
)
from migrator.upsun.registry import Registry
from migrator.yamltext import editor
from migrator.yamltext.nodes import Mapping, Node, resolve, text_value

_PLAIN = re.compile(r"^[A-Za-z0-9_\-]+$")
#: The value an expectation gives a key that must be gone from the output.
MISSING: Any = ...


def yaml_path(*parts: Any) -> str:
    """`applications.app.mounts."web/files"`: a readable path to a node of the output."""
    return ".".join(str(p) if _PLAIN.match(str(p)) else f'"{p}"' for p in parts)


class Container:
    """An application, one of its workers, or a service: a mapping that may hold mounts,
    relationships and sizes. `borrowed`: the mapping was already reached from an earlier
    container (a worker shared through an alias or a merge), so its text is edited once."""

    __slots__ = ("kind", "name", "node", "path", "source", "app", "worker", "borrowed")

    def __init__(self, kind: ContainerKind, name: str, node: Mapping, path: tuple[str, ...],
                 source: SourceFile, app: LegacyApp | None = None, worker: str | None = None,
                 borrowed: bool = False) -> None:
        self.kind, self.name, self.node, self.path, self.source = kind, name, node, path, source
        self.app, self.worker, self.borrowed = app, worker, borrowed

    @property
    def file(self) -> str:
        return self.source.rel


class Route:
    __slots__ = ("url", "node", "source")

    def __init__(self, url: str, node: Mapping, source: SourceFile) -> None:
        self.url, self.node, self.source = url, node, source


class Places:
    """The one walk over everything rules act on, done once per migration."""

    __slots__ = ("containers", "services", "routes")

    def __init__(self) -> None:
        self.containers: list[Container] = []
        self.services: list[Container] = []
        self.routes: list[Route] = []


def walk(project: LegacyProject) -> Places:
    places = Places()
    reached: set[Node] = set()  # the nodes themselves (kept alive), never their id()
    for app in project.apps:
        places.containers.append(Container(ContainerKind.APP, app.name, app.mapping,
                                           ("applications", app.name), app.source, app))
        workers = app.mapping.get("workers")
        if not isinstance(workers, Mapping):
            continue
        merged = app.mapping.own("workers") is None
        for name, worker in workers.items():
            if isinstance(worker, Mapping):
                places.containers.append(Container(
                    ContainerKind.WORKER, f"{app.name}--{name}", worker,
                    ("applications", app.name, "workers", name), app.source, app, name,
                    merged or worker in reached))
                reached.add(worker)
    if project.services is not None:
        for name, service in project.services.node.items():
            source = project.included.get(name, project.services.source)
            if name in project.included:  # the rules act on the included file, in its copy
                service = source.doc.root  # type: ignore[assignment]
            if isinstance(service, Mapping):
                places.services.append(Container(ContainerKind.SERVICE, name, service,
                                                 ("services", name), source,
                                                 borrowed=service in reached))
                reached.add(service)
    if project.routes is not None:
        for url, route in project.routes.node.items():
            if isinstance(route, Mapping):
                places.routes.append(Route(url, route, project.routes.source))
    return places


class Required(NamedTuple):
    """A file the output names (an `!include` or `!archive` target). Rules never touch the
    disk: the pipeline looks for it after the rule that asked."""

    code: str
    rel: str  # relative to the repository
    location: Location
    tag: str
    fatal: bool  # missing: an error (the copy cannot be made), else a warning


class MigrationContext:
    def __init__(self, project: LegacyProject, settings: Settings,
                 registry: Registry | None = None) -> None:
        self.project = project
        self.settings = settings
        self.registry = registry  # Upsun's image registry, when it could be had
        self.places = walk(project)
        self.editors: dict[str, editor.Editor] = {
            rel: editor.Editor(source.doc) for rel, source in project.sources.items()}
        self.expected: list[tuple[tuple[str, ...], Any]] = []
        self.changes: list[Change] = []
        self.findings: list[Finding] = []
        self.sizings: list[LegacySizing] = []
        self.hints: list[ResourceHint] = []
        self.copies: dict[str, str] = {}
        self.required: list[Required] = []
        self.profiles: dict[str, str] = {}
        self._paths: dict[str, dict[Node, list[tuple[str, ...]]]] = {}

    # --- what rules read -------------------------------------------------------------
    @property
    def apps(self) -> list[LegacyApp]:
        return self.project.apps

    def containers(self) -> list[Container]:
        """Every application, then each of its workers, in file order."""
        return self.places.containers

    def services(self) -> list[Container]:
        return self.places.services

    def service_names(self) -> list[str]:
        return [service.name for service in self.places.services]

    def target_names(self) -> set[str]:
        return {app.name for app in self.apps} | set(self.service_names())

    def editor(self, source: SourceFile) -> editor.Editor:
        return self.editors[source.rel]

    def output_paths(self, source: SourceFile, node: Node) -> list[tuple[str, ...]]:
        """Every output path at which a node of services.yaml or routes.yaml appears (an
        alias or a merge repeats it); none for other files."""
        if source.rel not in self._paths:
            self._paths[source.rel] = {}
            for top, document in (("services", self.project.services),
                                  ("routes", self.project.routes)):
                if document is not None and document.source is source:
                    self._paths[source.rel] = _paths_under(document.node, (top,))
        return self._paths[source.rel].get(resolve(node), [])

    # --- what rules record -------------------------------------------------------------
    def location(self, source: SourceFile, node: Node | None) -> Location:
        return Location(source.rel, source.line(node.start) if node is not None else 0)

    def key_location(self, source: SourceFile, mapping: Mapping, key: str) -> Location:
        entry = mapping.entry(key)
        return self.location(source, entry[0] if entry else mapping)

    def expect(self, path: tuple[str, ...], value: Any) -> None:
        """After the edits, the output must hold `value` at `path` (MISSING: no such key)."""
        self.expected.append((path, value))

    def change(self, code: str, location: Location, path: tuple[Any, ...] | str, before: str,
               after: str) -> None:
        where = path if isinstance(path, str) else yaml_path(*path)
        self.changes.append(Change(code, location, where, before, after))

    def warn(self, code: str, location: Location, message: str,
             severity: Severity = Severity.WARNING) -> None:
        self.findings.append(Finding(code, severity, location, message))

    def info(self, code: str, location: Location, message: str) -> None:
        self.warn(code, location, message, Severity.INFO)

    def require(self, code: str, rel: str, location: Location, tag: str, fatal: bool) -> None:
        """The output names this file: missing, it is an error when `fatal`, else a warning."""
        self.required.append(Required(code, rel, location, tag, fatal))


def _paths_under(root: Node, path: tuple[str, ...]) -> dict[Node, list[tuple[str, ...]]]:
    """Each node under root (aliases resolved) with the paths that reach it, merges applied.
    The composer bounded what aliases add, so the walk is bounded too."""
    found: dict[Node, list[tuple[str, ...]]] = {}
    stack: list[tuple[Node, tuple[str, ...]]] = [(resolve(root), path)]
    while stack:
        node, where = stack.pop()
        found.setdefault(node, []).append(where)
        if isinstance(node, Mapping):
            stack.extend((value, (*where, key)) for key, value in node.items())
    return found


def text_of(source: SourceFile, node: Node) -> str:
    return source.text[node.start:node.end]


def scalar_text(node: Node | None) -> str | None:
    """The text of a scalar that is neither null nor an `!include`/`!archive` (core tags
    allowed: `!!str app`), None for anything else."""
    return text_value(node)
