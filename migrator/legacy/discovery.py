"""Find and load the legacy files of a repository into a LegacyProject."""

from __future__ import annotations

import os
import posixpath
import stat
from pathlib import Path, PurePosixPath

from migrator.errors import InputError, NothingToMigrate, RefusedError
from migrator.legacy.model import (
    APP_FILE,
    APPLICATIONS,
    CONFIG_DIR,
    ROUTES,
    SERVICES,
    LegacyApp,
    LegacyDocument,
    LegacyProject,
    SourceFile,
)
from migrator.legacy.reader import Reader
from migrator.legacy.walk import find_app_files
from migrator.yamltext.nodes import Mapping, Node, Scalar, Sequence, resolve, scalar_value


def load_project(root: Path) -> LegacyProject:
    reader = Reader(root)
    apps = _apps_from_app_files(reader)
    applications = _applications_yaml(reader)
    apps += _apps_from_applications_yaml(reader, applications) if applications else []
    if not apps:
        raise NothingToMigrate(f"no legacy Platform.sh application found "
                               f"(looked for {APP_FILE} and {APPLICATIONS})", str(root))
    _check_unique(apps)
    project = LegacyProject(root=root, apps=apps, applications=applications)
    for rel, attr in ((SERVICES, "services"), (ROUTES, "routes")):
        if (root / rel).exists() or (root / rel).is_symlink():
            source = reader.load_mapping(rel, allow_empty=True)
            node = resolve(source.doc.root) if source.doc.root is not None else None
            reader.sources[rel] = source
            if isinstance(node, Mapping):
                setattr(project, attr, LegacyDocument(node, rel, source))
    if project.services is not None:
        _check_names_apart(apps, project.services)
        project.included = _service_includes(reader, project.services)
    project.files = reader.files
    project.sources = reader.sources
    project.crlf = any(source.crlf for source in reader.sources.values())
    return project


def _is_file(path: Path) -> bool:
    """Path.is_file, and no as well for a path the system cannot look at (a name too long, a
    folder that may not be read): the includes rule reports that one, with its line."""
    try:
        return path.is_file()
    except OSError:
        return False


def included_service(value: Node) -> bool:
    """Whether a value of services.yaml is a whole service included from a YAML file."""
    kind = value.get("type") if isinstance(value, Mapping) else None
    return value.tag == "!include" and not (isinstance(kind, Scalar) and kind.value != "yaml")


def _service_includes(reader: Reader, services: LegacyDocument) -> dict[str, SourceFile]:
    """The YAML files services are included from, read like the services file (by the path
    taken as text: `a/../db.yaml` is `.platform/db.yaml`). A path that is absolute, leaves
    `.platform/` or names nothing is left to the includes rule to report."""
    found: dict[str, SourceFile] = {}
    for name, value in services.node.items():
        if not included_service(value):
            continue
        path = include_path(value, services.file, services.source.line(value.start))
        rel = posixpath.normpath(f"{CONFIG_DIR}/{path}")
        if PurePosixPath(path).is_absolute() or not rel.startswith(f"{CONFIG_DIR}/") \
                or not _is_file(reader.root / rel):
            continue
        loaded = next((s for s in found.values() if s.rel == rel), None)  # one file, one source
        source = loaded or reader.load_mapping(rel)  # empty or not a mapping: one-line error
        found[name] = source
    return found


def _apps_from_app_files(reader: Reader) -> list[LegacyApp]:
    apps = []
    for rel in find_app_files(reader.root):
        try:
            mode: int | None = os.stat(reader.root / rel).st_mode
        except OSError:
            mode = None  # a dangling link, a loop: the reader says which, with the file
        if mode is not None and not stat.S_ISREG(mode):
            continue  # a FIFO or device where a config should be: not a config file
        source = reader.load_mapping(rel)
        node = resolve(source.doc.root)  # type: ignore[arg-type]
        assert isinstance(node, Mapping)
        subdir = str(PurePosixPath(rel).parent)
        apps.append(LegacyApp(_name_of(node, source), node, rel, source,
                              "" if subdir == "." else subdir, None, node.own("name")))
    return apps


def _name_of(node: Mapping, source: SourceFile, line: int = 1) -> str:
    name = node.get("name")
    if name is None or (isinstance(name, Scalar) and name.is_null):
        raise InputError("application has no `name`", source.rel, line)
    value = scalar_value(name) if isinstance(name, Scalar) else None
    if not isinstance(value, str) or not value.strip():
        raise InputError("application `name` must be a non-empty string", source.rel,
                         source.line(name.start))
    return value


def _applications_yaml(reader: Reader) -> SourceFile | None:
    root = reader.root
    if not ((root / APPLICATIONS).exists() or (root / APPLICATIONS).is_symlink()):
        return None
    source = reader.load(APPLICATIONS)
    if source.doc.root is None:
        raise InputError("file is empty (no YAML document)", APPLICATIONS)
    return source


def _apps_from_applications_yaml(reader: Reader, source: SourceFile) -> list[LegacyApp]:
    data = resolve(source.doc.root)  # type: ignore[arg-type]
    if isinstance(data, Sequence):
        entries: list[tuple[Scalar | None, Node]] = [(None, item) for item in data.items]
    elif isinstance(data, Mapping):
        entries = [(key, value) for key, value in data.pairs]
    else:
        raise InputError("expected a list or a mapping of applications", APPLICATIONS, 1)
    apps = []
    for key, entry in entries:
        line = source.line(key.start if key is not None else entry.start)
        node, app_source = _resolve_entry(reader, source, entry, line)
        name = _name_of(node, app_source, app_source.line(node.start) or line) if key is None \
            else key.value
        if key is not None and (key.style in ("|", ">") or "\n" in key.value):
            raise InputError("application names must be one-line strings", APPLICATIONS, line)
        apps.append(LegacyApp(name, node, app_source.rel, app_source, "", entry,
                              node.own("name") if key is None else None))
    return apps


def _resolve_entry(reader: Reader, source: SourceFile, entry: Node,
                   line: int) -> tuple[Mapping, SourceFile]:
    """An applications.yaml entry, with `!include file` entries loaded."""
    if entry.tag == "!include":
        path = include_path(entry, APPLICATIONS, line)
        if PurePosixPath(path).is_absolute():
            raise RefusedError(f"!include of absolute path {path!r} is not allowed",
                               APPLICATIONS, line)
        rel = f"{CONFIG_DIR}/{path}"
        reader.inside(rel, APPLICATIONS, line)
        if not (reader.root / rel).exists():
            raise InputError(f"!include names {rel}, which does not exist", APPLICATIONS, line)
        included = reader.load_mapping(rel)
        node = resolve(included.doc.root)  # type: ignore[arg-type]
        assert isinstance(node, Mapping)
        return node, included
    entry = resolve(entry)
    if not isinstance(entry, Mapping):
        raise InputError("each application must be a mapping", APPLICATIONS, line)
    return entry, source


def include_path(node: Node, file: str, line: int) -> str:
    """The path an `!include`/`!archive` node names (`!include x` or `!include {path: x}`)."""
    value: str | None = None
    if isinstance(node, Scalar):
        value = node.value
    elif isinstance(node, Mapping):
        kind = node.get("type")
        kind_text = kind.value if isinstance(kind, Scalar) else "yaml"
        if kind_text not in ("yaml", "string", "binary", "archive"):
            raise InputError(f"unknown !include type {kind_text!r}", file, line)
        path = node.get("path")
        value = path.value if isinstance(path, Scalar) else None
    if not value:
        raise InputError(f"{node.tag} needs a path", file, line)
    return value


def _check_unique(apps: list[LegacyApp]) -> None:
    seen: dict[str, LegacyApp] = {}
    for app in apps:
        if app.name in seen:
            raise InputError(f"two applications are named {app.name!r}: {seen[app.name].file} "
                             f"and {app.file}", app.file)
        seen[app.name] = app


def _check_names_apart(apps: list[LegacyApp], services: LegacyDocument) -> None:
    """Apps and services share one namespace on Upsun (containers, relationships, resources)."""
    for app in apps:
        entry = services.node.own(app.name)
        if entry is not None:
            raise InputError(f"an application ({app.file}) and a service are both named "
                             f"{app.name!r}", services.file, services.source.line(entry[0].start))


def refuse_existing(root: Path) -> None:
    """`.upsun` must be a folder (or absent); refuse a file or a link leaving the repository."""
    try:
        mode = os.lstat(root / ".upsun").st_mode
    except (FileNotFoundError, NotADirectoryError):
        return
    if stat.S_ISLNK(mode):
        raise RefusedError(".upsun is a symbolic link; refusing to write through it", ".upsun")
    if not stat.S_ISDIR(mode):
        raise RefusedError("exists and is not a folder", ".upsun")
