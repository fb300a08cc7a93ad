"""Find and load the legacy files of a repository into a LegacyProject."""

from __future__ import annotations

import errno
import os
import posixpath
import stat
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from migrator.errors import InputError, NothingToMigrate, RefusedError
from migrator.yamltext.nodes import Mapping, Node, Scalar, Sequence, resolve, scalar_value
from migrator.yamltext.parse import MAX_BYTES, Document, decode, parse

if TYPE_CHECKING:  # git and subprocess are loaded only for nested configuration files
    import subprocess

    from migrator.git import Git

APP_FILE = ".platform.app.yaml"
CONFIG_DIR = ".platform"
APPLICATIONS = f"{CONFIG_DIR}/applications.yaml"
SERVICES = f"{CONFIG_DIR}/services.yaml"
ROUTES = f"{CONFIG_DIR}/routes.yaml"
UPSUN_CONFIG = ".upsun/config.yaml"
#: Folders no walk of a repository enters (`walk`): version control, dependencies, virtual
#: environments, tools' caches, and the configuration folders themselves.
SKIPPED_DIRS = frozenset({".git", "node_modules", "vendor", ".venv", "venv", "env", ".env",
                          "site-packages", "__pycache__", ".tox", ".nox", ".upsun", ".platform"})


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


class Reader:
    """Reads files of one repository, refusing anything that leaves it or is not a text file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._real_root: Path | None = None  # resolved on the first read: many readers read nothing
        self.files: dict[str, bytes] = {}
        self.sources: dict[str, SourceFile] = {}

    @property
    def real_root(self) -> Path:
        if self._real_root is None:
            self._real_root = self.root.resolve()
        return self._real_root

    def inside(self, rel: str, where: str | None = None, line: int = 0) -> Path:
        posix = PurePosixPath(rel)
        if posix.is_absolute() or rel.startswith("~"):
            raise RefusedError(f"absolute path {rel!r} is not allowed", where, line)
        if "\0" in rel:
            raise InputError(f"path {rel!r} holds a NUL character", where, line)
        path = self.root / rel
        try:
            if ".." in posix.parts:
                self._up(posix.parts, rel, where, line)
            if ".." in posix.parts or self._through_link(posix.parts):
                real = path.resolve()
                if real != self.real_root and self.real_root not in real.parents:
                    raise RefusedError(f"{rel} leads outside the repository", where, line)
        except RuntimeError:  # before Python 3.13, resolve's word for a loop of links
            raise InputError(f"{rel}: {LOOP}", where, line) from None
        except OSError as exc:  # a name too long, a folder that may not be read
            raise InputError(f"{rel}: {_reason(exc)}", where, line) from None
        return path

    def exists(self, rel: str, where: str | None = None, line: int = 0) -> bool:
        """Whether the path (inside the repository) names something; trouble looking is an
        input error, not an answer."""
        path = self.inside(rel, where, line)
        try:
            path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return False
        except OSError as exc:
            raise InputError(f"{rel}: {_reason(exc)}", where, line) from None
        return True

    def _up(self, parts: tuple[str, ...], rel: str, where: str | None, line: int) -> None:
        """A path that goes up (`..`) must name one file, taken as text (as Upsun may take
        it) or read through the file system: it never climbs above the repository, even to
        come back, and it goes up out of a symbolic link only where both readings meet (the
        parent of a link is the parent of the folder it names)."""
        text = posixpath.normpath(rel)
        if text == ".." or text.startswith("../"):
            raise RefusedError(f"{rel} leads outside the repository", where, line)
        if (self.root / text).resolve() != (self.root / rel).resolve():
            raise RefusedError(f"{rel} goes up (..) from the symbolic link "
                               f"{_link_before_up(self.root, parts)}, so it names one file read "
                               "through the link and another read as text: write it without "
                               "`..`", where, line)

    def _through_link(self, parts: tuple[str, ...]) -> bool:
        """Whether a folder or file on the way down from the root is a symbolic link. Without
        one (and without `..`) the path stays inside: two `lstat`s instead of resolving every
        folder from `/` (a twentieth of the time, and 7% of a repository's migration)."""
        current = str(self.root)
        for part in parts:
            current = os.path.join(current, part)
            try:
                if stat.S_ISLNK(os.lstat(current).st_mode):
                    return True
            except (FileNotFoundError, NotADirectoryError):
                return False  # nothing below a missing name can lead elsewhere
        return False

    def read(self, rel: str, where: str | None = None, line: int = 0) -> str:
        path = self.inside(rel, where, line)
        try:
            if not stat.S_ISREG(path.stat().st_mode):  # a socket, say, cannot even be opened
                raise InputError("not a regular file", rel)
            data = _read_regular(path, rel)
        except (FileNotFoundError, NotADirectoryError):
            raise _unread("does not exist", rel, where, line) from None
        except OSError as exc:  # may not be read, a loop of links
            raise _unread(f"cannot read: {_reason(exc)}", rel, where, line) from None
        self.files[rel] = data
        return decode(data, rel)

    def load(self, rel: str, where: str | None = None, line: int = 0) -> SourceFile:
        text = self.read(rel, where, line)
        crlf = "\r\n" in text
        source = SourceFile(rel, parse(text.replace("\r\n", "\n") if crlf else text, rel), crlf)
        self.sources[rel] = source
        return source

    def load_mapping(self, rel: str, *, allow_empty: bool = False) -> SourceFile:
        source = self.load(rel)
        node = source.doc.root
        if node is None and not allow_empty:
            raise InputError("file is empty (no YAML document)", rel)
        if node is not None and not isinstance(resolve(node), Mapping):
            raise InputError(f"expected a mapping at the top level, found {_kind(node)}", rel,
                             source.line(node.start))
        return source


def _unread(why: str, rel: str, where: str | None, line: int) -> InputError:
    """Why `rel` cannot be read: on the line of `where` that names it, or on `rel` itself (the
    message does not name it twice)."""
    if where is None:
        return InputError(why, rel, line)
    return InputError(f"{rel} {why}" if why == "does not exist" else
                      f"{rel}: {why}", where, line)


def _link_before_up(root: Path, parts: tuple[str, ...]) -> str:
    """The first symbolic link a path goes up (`..`) from."""
    names: list[str] = []
    for part in parts:
        if part != "..":
            names.append(part)
        elif names and os.path.islink(os.path.join(root, *names)):
            return "/".join(names)
        elif names:
            names.pop()
    return "on its way"


#: Flags of the open: no wait on a FIFO or a device put where a regular file was (what was
#: opened is checked on the descriptor); O_NONBLOCK is POSIX, absent on Windows.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | \
    getattr(os, "O_BINARY", 0)


def _read_regular(path: Path, rel: str) -> bytes:
    """The bytes of the regular file `path`, of at most MAX_BYTES; read through the descriptor
    that was checked, and never more than MAX_BYTES + 1 bytes of it, should it grow since
    (`yamltext.parse.decode` refuses those)."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("not a regular file", rel)
        if info.st_size > MAX_BYTES:
            raise InputError(f"file is larger than {MAX_BYTES // 1024 // 1024} MB", rel)
        with open(fd, "rb", closefd=False) as file:
            return file.read(MAX_BYTES + 1)
    finally:
        os.close(fd)


def _kind(node: Node) -> str:
    if isinstance(node, Sequence):
        return "a list"
    return "a scalar"


def walk(root: Path) -> Iterator[tuple[Path, list[str]]]:
    """The one walk of a repository: each folder and its file names, in a stable order, never
    entering SKIPPED_DIRS or a `*.egg-info` folder."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info"))
        yield Path(folder), sorted(files)


def find_app_files(root: Path) -> list[str]:
    """Relative paths of every `.platform.app.yaml`, skipping vendored and git-ignored folders."""
    found: list[str] = []
    for folder, files in walk(root):
        if APP_FILE in files:
            path = folder / APP_FILE
            rel = path.relative_to(root).as_posix()
            if _link_or_file(path, rel):
                found.append(_utf8(rel))
    return sorted(_not_ignored(root, found), key=lambda p: (p.count("/"), p))


def _link_or_file(path: Path, rel: str) -> bool:
    """A symbolic link (the reader follows it, or says why not) or a regular file; a file that
    cannot be looked at (a folder that may be listed but not entered) is an input error, never
    an application left out."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:  # gone since the folder was listed
        return False
    except OSError as exc:
        raise InputError(_reason(exc), rel) from None
    return stat.S_ISLNK(mode) or stat.S_ISREG(mode)


LOOP = "a loop of symbolic links"


def _reason(exc: OSError) -> str:
    return LOOP if exc.errno == errno.ELOOP else exc.strerror or str(exc)


def _utf8(rel: str) -> str:
    """An app's folder becomes its `source.root`, text Upsun reads as UTF-8."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise InputError("the folder's name is not UTF-8, and an app's folder becomes its "
                         "source.root, which Upsun reads as UTF-8: rename the folder",
                         shown) from None
    return rel


def _not_ignored(root: Path, paths: list[str]) -> list[str]:
    """Drop the paths git ignores, when root is inside a git work tree that manages it."""
    nested = [p for p in paths if "/" in p]
    if not nested or _outside_any_repository(root):  # what git would answer, without starting it
        return paths
    from migrator.git import Git  # subprocess: only for nested configuration files

    git = Git(root, timeout=20)
    if not _managed_by_git(git):
        return paths
    done = _git(git, "check-ignore", "-z", "--stdin", stdin="\0".join(nested) + "\0")
    if done is None or done.returncode not in (0, 1):
        return paths
    ignored = set(done.stdout.split("\0"))
    return [p for p in paths if p not in ignored]


def _managed_by_git(git: Git) -> bool:
    """Inside a work tree (the repository itself or a sub-folder of a monorepo), and, for a
    sub-folder, not a folder that work tree ignores (a home folder kept in git with `*`)."""
    inside = _git(git, "rev-parse", "--is-inside-work-tree", "--show-prefix")
    if inside is None or inside.returncode != 0 or not inside.stdout.startswith("true\n"):
        return False
    if inside.stdout == "true\n\n":
        return True
    ignored = _git(git, "check-ignore", "-q", ".")
    return ignored is not None and ignored.returncode == 1


def _outside_any_repository(root: Path) -> bool:
    """No git repository can hold root: git finds one only through GIT_DIR, or by going up
    from root (as the system resolves it) to a folder holding `.git` or being a bare
    repository (which has a HEAD file). The test is wider than git's, never narrower."""
    if "GIT_DIR" in os.environ or "GIT_WORK_TREE" in os.environ:
        return False
    real = os.path.realpath(root)
    for folder in (real, *(str(parent) for parent in PurePosixPath(real).parents)):
        if os.path.lexists(os.path.join(folder, ".git")) or \
                os.path.lexists(os.path.join(folder, "HEAD")):
            return False
    return True


def _git(git: Git, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str] | None:
    """Run git in its folder (paths in and out are relative to it), with nothing the repository
    names run (migrator/git.py); None when git cannot run, or not safely."""
    from migrator.git import GitError

    try:
        return git.run(*args, stdin=stdin)
    except GitError:
        return None


def has_legacy_files(root: Path) -> bool:
    return any((root / rel).exists() for rel in (APPLICATIONS, SERVICES, ROUTES)) or bool(
        find_app_files(root))


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
    upsun = root / ".upsun"
    if upsun.is_symlink():
        raise RefusedError(".upsun is a symbolic link; refusing to write through it", ".upsun")
    if upsun.exists() and not upsun.is_dir():
        raise RefusedError("exists and is not a folder", ".upsun")
