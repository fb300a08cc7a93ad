"""The `.upsun/` folder as the engine's node trees: its applications, their workers and its
services as the `Container`s the registry checks read, so that `validate` (and `migrate --check`
of a migrated repository) runs the very checks `migrate` runs, with lines in `.upsun/` files."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from migrator.errors import InputError
from migrator.legacy.model import SourceFile
from migrator.legacy.reader import Reader
from migrator.model import ContainerKind, Finding
from migrator.rules import images
from migrator.rules.context import Container
from migrator.rules.images import Checked
from migrator.upsun.registry import Registry
from migrator.upsun.upsunfiles import upsun_yaml_files
from migrator.yamltext.nodes import Mapping, Node, Scalar, resolve

CONFIG_DIR = ".upsun"


def registry_findings(root: Path, registry: Registry) -> list[Finding]:
    """UPS201-UPS203 findings of the configuration in `root/.upsun/`, in file and line order."""
    checked = load(root)
    images.run(checked, registry)
    return sorted(checked.findings, key=lambda f: (f.location.file, f.location.line, f.code,
                                                   f.message))


def load(root: Path) -> Checked:
    """Every application, worker and service the first-level `.upsun/*.yaml` files define."""
    reader = Reader(root)
    checked = Checked([], [])
    for rel in upsun_yaml_files(root):
        source = reader.load_mapping(rel, allow_empty=True)
        top = resolve(source.doc.root) if source.doc.root is not None else None
        if not isinstance(top, Mapping):
            continue
        applications = top.get("applications")
        if isinstance(applications, Mapping):
            for name, app in applications.items():
                if isinstance(app, Mapping):
                    checked.containers += _app(name, app, source)
        services = top.get("services")
        if isinstance(services, Mapping):
            for name, service in services.items():
                found = _service(reader, source, service)
                if found is not None:
                    checked.services.append(Container(ContainerKind.SERVICE, name, found[0],
                                                      ("services", name), found[1]))
    return checked


def _app(name: str, app: Mapping, source: SourceFile) -> list[Container]:
    path = ("applications", name)
    found = [Container(ContainerKind.APP, name, app, path, source)]
    workers = app.get("workers")
    if isinstance(workers, Mapping):
        found += [Container(ContainerKind.WORKER, f"{name}--{worker}", node,
                            (*path, "workers", worker), source, worker=worker)
                  for worker, node in workers.items() if isinstance(node, Mapping)]
    return found


def _service(reader: Reader, source: SourceFile, node: Node) -> tuple[Mapping, SourceFile] | None:
    """A service's mapping and the file holding it: a yaml `!include` is read from the file it
    names (relative to `.upsun/`, inside the repository); None for what is not a mapping."""
    if node.tag == "!include":
        included = _included(reader, source, node)
        if included is None:
            return None
        source = included
        node = included.doc.root  # type: ignore[assignment]
    node = resolve(node) if node is not None else node
    return (node, source) if isinstance(node, Mapping) else None


def _included(reader: Reader, source: SourceFile, node: Node) -> SourceFile | None:
    """The file a yaml `!include` names; None for another type or a file that is not there
    (the schema check of `validate` reads includes its own way)."""
    kind = node.get("type") if isinstance(node, Mapping) else None
    path = node.get("path") if isinstance(node, Mapping) else node
    if (isinstance(kind, Scalar) and kind.value != "yaml") or not isinstance(path, Scalar):
        return None
    rel = (PurePosixPath(CONFIG_DIR) / path.value).as_posix()
    line = source.line(node.start)
    if not reader.exists(rel, source.rel, line):
        return None
    try:
        return reader.load_mapping(rel)
    except InputError:
        return None
