"""The legacy project as read: its files, applications and documents, and the paths
Platform.sh and Upsun read them from."""

from __future__ import annotations

from pathlib import Path

from migrator.yamltext.document import Document
from migrator.yamltext.nodes import Mapping, Node, Scalar

APP_FILE = ".platform.app.yaml"
CONFIG_DIR = ".platform"
APPLICATIONS = f"{CONFIG_DIR}/applications.yaml"
SERVICES = f"{CONFIG_DIR}/services.yaml"
ROUTES = f"{CONFIG_DIR}/routes.yaml"
UPSUN_CONFIG = ".upsun/config.yaml"
#: Folders no walk of a repository enters (`walk`): version control, dependencies, virtual
#: environments, tools' caches, and the configuration folders themselves.
class SourceFile:
    """A legacy YAML file: its text (line ends normalised to LF) and its node tree."""

    __slots__ = ("rel", "doc", "crlf")

    def __init__(self, rel: str, doc: Document, crlf: bool = False) -> None:
        self.rel, self.doc, self.crlf = rel, doc, crlf

    @property
    def text(self) -> str:
        return self.doc.text

    def line(self, offset: int) -> int:
        return self.doc.line(offset)


class LegacyApp:
    """One application as found: its mapping, the file holding it, and how it was declared.

    `entry` is the applications.yaml list item or map value the app came from (None for a
    `.platform.app.yaml`); `name_entry` the `name:` entry written in the app, if any."""

    __slots__ = ("name", "mapping", "file", "source", "subdir", "entry", "name_entry")

    def __init__(self, name: str, mapping: Mapping, file: str, source: SourceFile,
                 subdir: str = "", entry: Node | None = None,
                 name_entry: tuple[Scalar, Node] | None = None) -> None:
        self.name, self.mapping, self.file, self.source = name, mapping, file, source
        self.subdir, self.entry, self.name_entry = subdir, entry, name_entry


class LegacyDocument:
    __slots__ = ("node", "file", "source")

    def __init__(self, node: Mapping, file: str, source: SourceFile) -> None:
        self.node, self.file, self.source = node, file, source


class LegacyProject:
    __slots__ = ("root", "apps", "applications", "services", "routes", "files", "crlf",
                 "sources", "included")

    def __init__(self, root: Path, apps: list[LegacyApp],
                 applications: SourceFile | None = None) -> None:
        self.root, self.apps, self.applications = root, apps, applications
        self.services: LegacyDocument | None = None
        self.routes: LegacyDocument | None = None
        self.files: dict[str, bytes] = {}
        self.crlf = False
        self.sources: dict[str, SourceFile] = {}
        #: services written `name: !include file.yaml`: the included file, which the rules
        #: edit (in its copy under .upsun/) as they edit a service written in place
        self.included: dict[str, SourceFile] = {}

    @property
    def legacy_files(self) -> list[str]:
        return sorted(self.files)
