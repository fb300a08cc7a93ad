"""Legacy `size`/`disk`/`resources` -> Upsun CPU, RAM and disk, and the `resources:set` command."""

from __future__ import annotations

import shlex

from migrator import names
from migrator.model import ContainerKind, LegacySizing
from migrator.record import Record

#: Legacy size -> Upsun CPU. 4XL (16 CPU) has no shared-CPU equivalent: 8 is the largest.
CPU_BY_SIZE: dict[str, float] = {"S": 0.5, "M": 1, "L": 2, "XL": 4, "2XL": 8, "4XL": 8}

#: Container profile -> CPU -> RAM in MB (Upsun's published profile table).
RAM_BY_PROFILE: dict[str, dict[float, int]] = {
    "HIGH_CPU": {0.5: 224, 1: 384, 2: 704, 4: 1216, 8: 2240},
    "BALANCED": {0.5: 1088, 1: 1920, 2: 2800, 4: 4800, 8: 7296},
    "HIGH_MEMORY": {0.5: 1408, 1: 2432, 2: 4032, 4: 6720, 8: 11200},
}

_BALANCED_IMAGES = frozenset({"redis", "redis-persistent", "memcached", "valkey",
                              "valkey-persistent"})
_HIGH_CPU_SERVICES = frozenset({"chrome-headless"})


class ResourceHint(Record):
    """What one container should get on Upsun, and why."""

    container: str
    kind: ContainerKind
    legacy: LegacySizing
    profile: str
    cpu: float | None
    ram: int | None
    disk: int | None
    notes: tuple[str, ...]


def image_of(type_: str | None) -> str:
    return (type_ or "").split(":")[0]


def default_profile(kind: ContainerKind, type_: str | None,
                    registry_profile: str | None = None) -> str:
    """The container's default profile: the registry's when known, else the spec's table."""
    if registry_profile:
        return registry_profile
    image = image_of(type_)
    if image == "java":
        return "HIGH_MEMORY"
    if kind is not ContainerKind.SERVICE or image in _HIGH_CPU_SERVICES:
        return "HIGH_CPU"
    return "BALANCED" if image in _BALANCED_IMAGES else "HIGH_MEMORY"


def format_cpu(cpu: float) -> str:
    return f"{cpu:g}"


def hint_for(sizing: LegacySizing, registry_profile: str | None = None) -> ResourceHint:
    type_ = sizing.service_type or sizing.app_type
    profile = default_profile(sizing.kind, type_, registry_profile)
    size = (sizing.size or "").upper() or None
    cpu = CPU_BY_SIZE.get(size) if size else None
    notes: list[str] = []
    if size == "4XL":
        notes.append("legacy 4XL was 16 CPU: 8 is the largest shared size, 16 needs guaranteed CPU")
    elif size == "AUTO":
        notes.append("legacy size AUTO: no size hint")
    elif size and cpu is None:
        notes.append(f"unknown legacy size {sizing.size!r}: no size hint")
    disk = sizing.disk
    if disk is not None and sizing.kind is ContainerKind.WORKER:
        notes.append(f"legacy disk {disk} MB not carried, workers use the app's disk")
        disk = None
    if sizing.base_memory is not None or sizing.memory_ratio is not None:
        notes.append(_legacy_memory_note(sizing, cpu))
    notes += [f"comment on the removed line: {comment}" for comment in sizing.comments]
    if not named(sizing):
        notes.append("not in the resources:set command: the name is outside Upsun's naming "
                     "rules (UPS013)")
    ram = RAM_BY_PROFILE.get(profile, {}).get(cpu) if cpu is not None else None
    return ResourceHint(sizing.container, sizing.kind, sizing, profile, cpu, ram, disk,
                        tuple(notes))


def _legacy_memory_note(sizing: LegacySizing, cpu: float | None) -> str:
    base = sizing.base_memory if sizing.base_memory is not None else 64
    ratio = sizing.memory_ratio if sizing.memory_ratio is not None else 128
    at_cpu = cpu if cpu is not None else 1
    memory = int(base + ratio * at_cpu)
    nearest = min(RAM_BY_PROFILE, key=lambda p: abs(RAM_BY_PROFILE[p].get(at_cpu, 0) - memory))
    return (f"legacy resources base_memory {base} MB + memory_ratio {ratio} MB/CPU gave "
            f"{memory} MB at {format_cpu(at_cpu)} CPU; nearest container_profile: {nearest}")


def named(sizing: LegacySizing) -> bool:
    """Whether every name the container's name joins follows Upsun's naming rule."""
    return all(names.allowed(name) for name in sizing.names or (sizing.container,))


def argv(hints: list[ResourceHint]) -> list[str] | None:
    """The one `upsun resources:set` command, as the arguments a shell passes it, for every
    container with a size or disk hint and a name Upsun's naming rule allows: any other name
    could hold what a shell or the CLI reads (`$(...)`, `;`, `,`, `:`, `*`, white space)."""
    named_hints = [h for h in hints if named(h.legacy)]
    sizes = [f"{h.container}:{format_cpu(h.cpu)}" for h in named_hints if h.cpu is not None]
    disks = [f"{h.container}:{h.disk}" for h in named_hints if h.disk is not None]
    if not sizes and not disks:
        return None
    args = ["upsun", "resources:set"]
    if sizes:
        args += ["--size", ",".join(sizes)]
    if disks:
        args += ["--disk", ",".join(disks)]
    return args


def command(hints: list[ResourceHint]) -> str | None:
    """`argv` as one shell command line, each argument quoted (`shlex.join`)."""
    args = argv(hints)
    return shlex.join(args) if args else None


def comment_line(hint: ResourceHint) -> str:
    """The line that replaces a removed `size`/`disk`/`resources` in `.upsun/config.yaml`."""
    own = command([hint])
    legacy = []
    if hint.legacy.size is not None:
        legacy.append(f"legacy size: {hint.legacy.size}"
                      + (", inherited from the app" if hint.legacy.size_inherited else ""))
    if hint.legacy.disk is not None and hint.disk is not None:
        legacy.append(f"legacy disk: {hint.legacy.disk} MB")
    text = "resources: " + (own or "no resources:set value")
    if legacy:
        text += f" ({'; '.join(legacy)})"
    if hint.notes:
        text += "; " + "; ".join(hint.notes)
    return text
