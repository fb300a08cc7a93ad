"""Find and load the legacy files of a repository into a LegacyProject."""

from __future__ import annotations

import os
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

from migrator import yamlio
from migrator.errors import InputError, NothingToMigrate, RefusedError
from migrator.yamlio import Node

APP_FILE = ".platform.app.yaml"
CONFIG_DIR = ".platform"
APPLICATIONS = f"{CONFIG_DIR}/applications.yaml"
SERVICES = f"{CONFIG_DIR}/services.yaml"
ROUTES = f"{CONFIG_DIR}/routes.yaml"
UPSUN_CONFIG = ".upsun/config.yaml"
SKIPPED_DIRS = frozenset({".git", "node_modules", "vendor", ".upsun", ".platform"})


@dataclass
class LegacyApp:
    """One application as found: its node is moved, not copied, into the output."""

    name: str
    node: CommentedMap
    file: str
    subdir: str = ""


@dataclass
class LegacyDocument:
    node: CommentedMap
    file: str


@dataclass
class LegacyProject:
    root: Path
    apps: list[LegacyApp]
    services: LegacyDocument | None = None
    routes: LegacyDocument | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    crlf: bool = False

    @property
    def legacy_files(self) -> list[str]:
        return sorted(self.files)


class Reader:
    """Reads files of one repository, refusing anything that leaves it or is not a text file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.files: dict[str, bytes] = {}

    def inside(self, rel: str, where: str | None = None, line: int = 0) -> Path:
        posix = PurePosixPath(rel)
        if posix.is_absolute() or rel.startswith("~"):
            raise RefusedError(f"absolute path {rel!r} is not allowed", where, line)
        path = self.root / rel
        real = path.resolve()
        if real != self.real_root and self.real_root not in real.parents:
            raise RefusedError(f"{rel} leads outside the repository", where, line)
        return path

    def read(self, rel: str, where: str | None = None, line: int = 0) -> str:
        path = self.inside(rel, where, line)
        try:
            info = path.stat()
        except FileNotFoundError:
            raise InputError(f"{rel} does not exist", where or rel, line) from None
        if not stat.S_ISREG(info.st_mode):
            raise InputError("not a regular file", rel)
        if info.st_size > yamlio.MAX_BYTES:
            raise InputError(f"file is larger than {yamlio.MAX_BYTES // 1024 // 1024} MB", rel)
        data = path.read_bytes()
        self.files[rel] = data
        return yamlio.decode(data, rel)

    def load_mapping(self, rel: str, *, allow_empty: bool = False) -> CommentedMap | None:
        node = yamlio.load(self.read(rel), rel, allow_empty=allow_empty)
        if node is None:
            return None
        if not isinstance(node, CommentedMap):
            raise InputError(f"expected a mapping at the top level, found {_kind(node)}", rel, 1)
        return node


def _kind(node: Node) -> str:
    if isinstance(node, CommentedSeq):
        return "a list"
    return "a scalar"


def find_app_files(root: Path) -> list[str]:
    """Relative paths of every `.platform.app.yaml`, skipping vendored and git-ignored folders."""
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        if APP_FILE in files:
            path = Path(folder) / APP_FILE
            if path.is_symlink() or path.is_file():
                found.append(path.relative_to(root).as_posix())
    return sorted(_not_ignored(root, found), key=lambda p: (p.count("/"), p))


def _not_ignored(root: Path, paths: list[str]) -> list[str]:
    """Drop the paths git ignores, when root is inside a git work tree that manages it."""
    nested = [p for p in paths if "/" in p]
    if not nested or not _managed_by_git(root):
        return paths
    done = _git(root, "check-ignore", "-z", "--stdin", stdin="\0".join(nested) + "\0")
    if done is None or done.returncode not in (0, 1):
        return paths
    ignored = set(done.stdout.split("\0"))
    return [p for p in paths if p not in ignored]


def _managed_by_git(root: Path) -> bool:
    """Inside a work tree (the repository itself or a sub-folder of a monorepo), and, for a
    sub-folder, not a folder that work tree ignores (a home folder kept in git with `*`)."""
    inside = _git(root, "rev-parse", "--is-inside-work-tree", "--show-prefix")
    if inside is None or inside.returncode != 0 or not inside.stdout.startswith("true\n"):
        return False
    if inside.stdout == "true\n\n":
        return True
    ignored = _git(root, "check-ignore", "-q", ".")
    return ignored is not None and ignored.returncode == 1


def _git(root: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str] | None:
    """Run git in root (paths in and out are relative to it); None when git cannot run."""
    try:
        return subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True,
                              text=True, encoding="utf-8", errors="surrogateescape", timeout=20,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None


def has_legacy_files(root: Path) -> bool:
    return any((root / rel).exists() for rel in (APPLICATIONS, SERVICES, ROUTES)) or bool(
        find_app_files(root))


def load_project(root: Path) -> LegacyProject:
    reader = Reader(root)
    apps = _apps_from_app_files(reader) + _apps_from_applications_yaml(reader)
    if not apps:
        raise NothingToMigrate(f"no legacy Platform.sh application found "
                               f"(looked for {APP_FILE} and {APPLICATIONS})", str(root))
    _check_unique(apps)
    project = LegacyProject(root=root, apps=apps)
    for rel, attr in ((SERVICES, "services"), (ROUTES, "routes")):
        if (root / rel).exists() or (root / rel).is_symlink():
            node = reader.load_mapping(rel, allow_empty=True)
            if node:
                setattr(project, attr, LegacyDocument(node, rel))
    if project.services is not None:
        _check_names_apart(apps, project.services)
    project.files = reader.files
    project.crlf = any(b"\r\n" in data for data in reader.files.values())
    return project


def _apps_from_app_files(reader: Reader) -> list[LegacyApp]:
    apps = []
    for rel in find_app_files(reader.root):
        path = reader.root / rel
        if not path.is_symlink() and not path.is_file():
            continue
        if path.exists() and not stat.S_ISREG(path.stat().st_mode):
            continue  # a FIFO or device where a config should be: not a config file
        node = reader.load_mapping(rel)
        assert node is not None
        subdir = str(PurePosixPath(rel).parent)
        apps.append(LegacyApp(_name_of(node, rel), node, rel, "" if subdir == "." else subdir))
    return apps


def _name_of(node: CommentedMap, rel: str, line: int = 1) -> str:
    name = node.get("name")
    if name is None:
        raise InputError("application has no `name`", rel, line)
    if not isinstance(name, str) or not name.strip():
        raise InputError("application `name` must be a non-empty string", rel,
                         yamlio.line_of(node, "name"))
    return name


def _apps_from_applications_yaml(reader: Reader) -> list[LegacyApp]:
    root = reader.root
    if not ((root / APPLICATIONS).exists() or (root / APPLICATIONS).is_symlink()):
        return []
    text = reader.read(APPLICATIONS)
    data = yamlio.load(text, APPLICATIONS)
    if isinstance(data, CommentedSeq):
        entries = [(None, i, data[i]) for i in range(len(data))]
    elif isinstance(data, CommentedMap):
        entries = [(key, key, data[key]) for key in data]
    else:
        raise InputError("expected a list or a mapping of applications", APPLICATIONS, 1)
    apps = []
    for key, index, entry in entries:
        line = yamlio.line_of(data, index)
        node, file = _resolve_entry(reader, entry, line)
        name = key if key is not None else _name_of(node, file, yamlio.line_of(node) or line)
        if not isinstance(name, str):
            raise InputError("application names must be strings", APPLICATIONS, line)
        apps.append(LegacyApp(name, node, file))
    return apps


def _resolve_entry(reader: Reader, entry: Node, line: int) -> tuple[CommentedMap, str]:
    """An applications.yaml entry, with `!include file` entries loaded and inlined."""
    if yamlio.tag_of(entry) == "!include":
        path = include_path(entry, APPLICATIONS, line)
        rel = f"{CONFIG_DIR}/{path}"
        reader.inside(rel, APPLICATIONS, line)
        node = reader.load_mapping(rel)
        assert node is not None
        return node, rel
    if not isinstance(entry, CommentedMap):
        raise InputError("each application must be a mapping", APPLICATIONS, line)
    return entry, APPLICATIONS


def include_path(node: Node, file: str, line: int) -> str:
    """The path an `!include`/`!archive` node names (`!include x` or `!include {path: x}`)."""
    if isinstance(node, TaggedScalar):
        value = node.value
    elif isinstance(node, CommentedMap):
        kind = node.get("type", "yaml")
        if kind not in ("yaml", "string", "binary", "archive"):
            raise InputError(f"unknown !include type {kind!r}", file, line)
        value = node.get("path")
    else:
        value = None
    if not isinstance(value, str) or not value:
        raise InputError(f"{yamlio.tag_of(node)} needs a path", file, line)
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
        if app.name in services.node:
            raise InputError(f"an application ({app.file}) and a service are both named "
                             f"{app.name!r}", services.file,
                             yamlio.line_of(services.node, app.name))


def refuse_existing(root: Path) -> None:
    """`.upsun` must be a folder (or absent); refuse a file or a link leaving the repository."""
    upsun = root / ".upsun"
    if upsun.is_symlink():
        raise RefusedError(".upsun is a symbolic link; refusing to write through it", ".upsun")
    if upsun.exists() and not upsun.is_dir():
        raise RefusedError("exists and is not a folder", ".upsun")
