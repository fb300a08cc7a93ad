"""Values passed between the migrator's modules: what was found, what changed, what to write."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import NamedTuple


class Severity(enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class LocalMounts(enum.Enum):
    """What a legacy `local` mount becomes."""

    STORAGE = "storage"
    INSTANCE = "instance"


class ContainerKind(enum.Enum):
    APP = "app"
    WORKER = "worker"
    SERVICE = "service"


class Location(NamedTuple):
    """A place in a legacy file: path relative to the repository, 1-based line."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class Change(NamedTuple):
    """One edit made by a rule: where it came from, and what it turned into."""

    code: str
    location: Location
    path: str
    before: str
    after: str


class Finding(NamedTuple):
    """Something the user must know: a change of meaning, a dangling name, a removed key."""

    code: str
    severity: Severity
    location: Location
    message: str

    def __str__(self) -> str:
        """As the report's terminal form prints it: severity, code, file:line, message."""
        return f"{self.severity.value}  {self.code}  {self.location}  {self.message}"


class LegacySizing(NamedTuple):
    """The legacy `size`/`disk`/`resources` of one container, read from the effective mapping:
    an app's `web` values win over its top-level ones (they sized the web instance); a worker
    without its own `size` or `resources` has the app's top-level ones."""

    container: str
    kind: ContainerKind
    location: Location
    size: str | None = None
    size_inherited: bool = False
    disk: int | None = None
    base_memory: int | None = None
    memory_ratio: int | None = None
    service_type: str | None = None
    app_type: str | None = None
    comments: tuple[str, ...] = ()  # comments written on the removed lines
    names: tuple[str, ...] = ()  # what `container` joins: the app's name (and the worker's)
    resources_inherited: bool = False
    from_web: tuple[str, ...] = ()  # the keys read from the app's `web`
    container_profile: str | None = None  # the container's own `container_profile`, if any


class DataMove(NamedTuple):
    """Data of the legacy project to move into the new one: what it is, the documented
    commands that move it (none when the docs publish none), and a note."""

    subject: str
    commands: tuple[str, ...] = ()
    note: str = ""

    def step(self) -> str:
        if not self.commands:
            return f"{self.subject}: {self.note}."
        shown = ", then ".join(f"`{command}`" for command in self.commands)
        return f"{self.subject}: {shown}" + (f" ({self.note})." if self.note else ".")


class Settings(NamedTuple):
    """The user's choices for one migration."""

    local_mounts: LocalMounts = LocalMounts.STORAGE
    remove_legacy: bool = False
    upgrade_retired: bool = False
    select: tuple[str, ...] = ()  # codes (or prefixes) to run and report; empty: all
    ignore: tuple[str, ...] = ()  # codes (or prefixes) not to run nor report
    rename_platform_cli: bool = False  # UPS012 renames `platform` and its token in commands
    environment: str | None = None  # the environment `upsun resources:set` is for (`-e`)


class FileAction(enum.Enum):
    CREATE = "create"
    MODIFY = "modify"
    DELETE = "delete"


class PlannedFile(NamedTuple):
    """A file the migration will create, change or remove, with its old and new content."""

    path: str
    action: FileAction
    old: bytes | None
    new: bytes | None
    source: str | None = None
    mode: int | None = None  # the permissions to write it with (None: the writer's default)


class Had(NamedTuple):
    """What the container had on Platform.sh in production: CPU, and RAM in MB."""

    cpu: float
    ram: int


class ResourceHint(NamedTuple):
    """What one container should get on Upsun, and why."""

    container: str
    kind: ContainerKind
    legacy: LegacySizing
    profile: str | None  # the profile the size is for
    default_profile: str | None  # Upsun's default for this container
    cpu: float | None
    ram: int | None
    disk: int | None
    notes: tuple[str, ...]
    warnings: tuple[str, ...] = ()  # also reported as findings
    had: Had | None = None
    by_hand: bool = False  # the new profile cannot be written into the config: a warning says
    app_profile: str | None = None  # a worker's: the profile written into its app

    @property
    def new_profile(self) -> str | None:
        """The `container_profile` the config must set for the size to give the RAM: another
        than the default, or a worker's own where its app's was changed (Upsun's docs do not
        say whether a worker inherits its app's)."""
        if self.cpu is None or self.profile in (None, self.legacy.container_profile):
            return None
        differs = self.app_profile is not None and self.app_profile != self.profile
        return self.profile if self.profile != self.default_profile or differs else None


class MigrationResult(NamedTuple):
    """Everything one migration produced. Nothing has been written when this exists."""

    root: Path
    config_text: str
    files: tuple[PlannedFile, ...]
    changes: tuple[Change, ...]
    findings: tuple[Finding, ...]
    sizings: tuple[LegacySizing, ...]
    legacy_files: tuple[str, ...]
    apps: tuple[str, ...]
    workers: tuple[str, ...]
    services: tuple[str, ...]
    routes: int
    profiles: tuple[tuple[str, str], ...] = ()
    validation: tuple[str, ...] = ()
    data: tuple[DataMove, ...] = ()  # the databases and mounts to move, and how
    hints: tuple[ResourceHint, ...] = ()  # one per sizing, in the same order
    types: tuple[str, ...] = ()  # the image types of the applications and services, as written
