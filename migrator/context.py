"""MigrationContext: what rules read (the legacy project), build (the output tree) and record."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap

from migrator import yamlio
from migrator.discovery import LegacyApp, LegacyProject
from migrator.model import Change, Finding, LegacySizing, Location, Settings, Severity

_PLAIN = re.compile(r"^[A-Za-z0-9_\-]+$")


def yaml_path(*parts: Any) -> str:
    """`applications.app.mounts."web/files"`: a readable path to a node of the output."""
    return ".".join(str(p) if _PLAIN.match(str(p)) else f'"{p}"' for p in parts)


@dataclass
class Container:
    """An application or one of its workers: a mapping that may hold mounts, relationships, sizes."""

    app: LegacyApp
    node: CommentedMap
    path: tuple[str, ...]
    worker: str | None = None
    borrowed: bool = False  # a worker mapping this app shares with another (merge key, alias)

    @property
    def name(self) -> str:
        return self.app.name if self.worker is None else f"{self.app.name}--{self.worker}"


class MigrationContext:
    def __init__(self, project: LegacyProject, settings: Settings) -> None:
        self.project = project
        self.settings = settings
        self.output = CommentedMap()
        self.changes: list[Change] = []
        self.findings: list[Finding] = []
        self.sizings: list[LegacySizing] = []
        self.copies: dict[str, str] = {}
        self.profiles: dict[str, str] = {}

    # --- what rules read -------------------------------------------------------------
    @property
    def apps(self) -> list[LegacyApp]:
        return self.project.apps

    def services(self) -> CommentedMap:
        services = self.output.get("services")
        return services if isinstance(services, CommentedMap) else CommentedMap()

    @property
    def services_file(self) -> str:
        return self.project.services.file if self.project.services else ".platform/services.yaml"

    def containers(self) -> Iterator[Container]:
        """Every application, then each of its workers, in file order."""
        seen: set[int] = set()
        for app in self.apps:
            yield Container(app, app.node, ("applications", app.name))
            workers = app.node.get("workers")
            if not isinstance(workers, CommentedMap):
                continue
            merged = "workers" not in yamlio.own_keys(app.node)
            for name in workers:
                worker = workers[name]
                if isinstance(worker, CommentedMap):
                    yield Container(app, worker, ("applications", app.name, "workers", name),
                                    name, merged or id(worker) in seen)
                    seen.add(id(worker))

    def target_names(self) -> set[str]:
        return {app.name for app in self.apps} | set(self.services())

    # --- what rules record -------------------------------------------------------------
    def location(self, file: str, node: Any, key: Any = None) -> Location:
        return Location(file, yamlio.line_of(node, key))

    def change(self, code: str, location: Location, path: tuple[Any, ...] | str, before: str,
               after: str) -> None:
        where = path if isinstance(path, str) else yaml_path(*path)
        self.changes.append(Change(code, location, where, before, after))

    def warn(self, code: str, location: Location, message: str,
             severity: Severity = Severity.WARNING) -> None:
        self.findings.append(Finding(code, severity, location, message))

    def info(self, code: str, location: Location, message: str) -> None:
        self.warn(code, location, message, Severity.INFO)
