"""Legacy `size`/`disk`/`resources` -> what the container had on Platform.sh, the Upsun size,
container profile and disk that give it at least that, and the one `upsun resources:set` command.

Every figure comes from `migrator.facts` (the published tables, each with its source) or from the
image registry. What the container had: Platform.sh's per-profile size table, or with `resources`
the flexible-resources table and base_memory + memory_ratio x CPU. The hint: the smallest Upsun
size with at least that CPU and RAM (and the image's minimums) under the container's profile;
with `resources`, another profile when the default one has not the RAM at that size.
"""

from __future__ import annotations

import math
import shlex
from typing import NamedTuple

from migrator import facts
from migrator.model import ContainerKind, Had, LegacySizing, ResourceHint
from migrator.upsun import names
from migrator.upsun.registry import ALIASES, Registry

#: Where the command names the environment when `--environment` was not given.
PLACEHOLDER = "<production environment>"
PROFILES = tuple(facts.RAM_BY_PROFILE)  # by RAM at every size, least first


class Needs(NamedTuple):
    """What Upsun gives and requires for one container's image version."""

    profile: str | None  # Upsun's default container profile; None when no source gives one
    min_cpu: float
    min_ram: int
    disk: bool | None  # whether the container can have a disk; None when no source says
    min_disk: int
    notes: tuple[str, ...] = ()  # where the sources disagree on the minimum CPU or RAM
    disk_notes: tuple[str, ...] = ()  # where they disagree on the disk


def profile_by_hand(hint: ResourceHint, why: str) -> ResourceHint:
    """The hint where its new profile cannot be written (`why`): the user sets it, as a
    warning says (the size is the one for that profile)."""
    assert hint.new_profile is not None and hint.cpu is not None
    default = hint.default_profile
    under = f"; under the default {default}, size {format_cpu(hint.cpu)} gives " \
        f"{facts.RAM_BY_PROFILE[default][facts.CPU_SIZES.index(hint.cpu)]} MB" \
        if default else ""
    return hint._replace(by_hand=True, warnings=(*hint.warnings, (
        f"its legacy memory needs `container_profile: {hint.new_profile}`, which is not "
        f"written ({why}): set it by hand{under}")))


def format_cpu(cpu: float) -> str:
    return f"{cpu:g}"


# --- what Upsun gives and requires ------------------------------------------------------------

def needs(kind: ContainerKind, type_: str | None, registry: Registry | None) -> Needs:
    """The default profile, minimums and disk rule for a container of this type: the registry's
    figures for the version first, Upsun's documented tables where it is silent."""
    name = (type_ or "").partition(":")[0]
    found = registry.lookup(type_) if registry is not None and type_ else None
    documented = facts.UPSUN_MINIMUMS.get(name)
    profile = found.profile if found is not None and found.profile in facts.RAM_BY_PROFILE \
        else facts.UPSUN_PROFILES.get(name)
    notes: list[str] = []
    min_cpu = _larger("minimum CPU", type_, found.min_cpu if found else None,
                      documented[0] if documented else None, notes)
    min_ram = _larger("minimum RAM", type_, found.min_ram if found else None,
                      documented[1] if documented else None, notes, " MB")
    if kind is ContainerKind.WORKER:
        return Needs(profile, min_cpu, int(min_ram), False, 0, tuple(notes))
    if kind is ContainerKind.APP:
        return Needs(profile, min_cpu, int(min_ram), True, 0, tuple(notes))
    disk_notes: list[str] = []
    disk, min_disk = _service_disk(name, type_, found.need_disk if found else None,
                                   found.min_disk if found else None, documented, disk_notes)
    return Needs(profile, min_cpu, int(min_ram), disk, min_disk, tuple(notes), tuple(disk_notes))


def _service_disk(name: str, type_: str | None, need_disk: bool | None,
                  registry_min: int | None, documented: tuple[float, int, int | None] | None,
                  notes: list[str]) -> tuple[bool | None, int]:
    """Whether a service takes a disk, and its minimum. The registry's entry for
    `redis-persistent` is the `redis` image's, whose figures are the ephemeral one's: for the
    persistent types only the documentation speaks."""
    if name in ALIASES:
        need_disk = registry_min = None
    documented_disk = documented[2] if documented else None
    if need_disk is None and documented is None:
        return None, 0
    if need_disk is False or (need_disk is None and documented_disk is None):
        return False, 0
    if documented is not None and documented_disk is None:
        notes.append(f"{type_}: the registry says it takes a disk, Upsun's docs say it never "
                     "uses one")
    minimum = _larger("minimum disk", type_, registry_min, documented_disk, notes, " MB")
    return True, int(minimum)


def _larger(what: str, type_: str | None, registry: float | None, docs: float | None,
            notes: list[str], unit: str = "") -> float:
    """A minimum both sources give; where they differ the larger (it satisfies both), said."""
    if registry is not None and docs is not None and registry != docs:
        notes.append(f"{what} of {type_}: the registry gives {registry:g}{unit}, Upsun's docs "
                     f"{docs:g}{unit}; the larger is used")
    return max(v for v in (registry, docs, 0) if v is not None)


# --- what the container had ------------------------------------------------------------------

def what_it_had(sizing: LegacySizing, name: str) -> tuple[Had | None, list[str], list[str]]:
    """What the legacy container had (or None), with notes and warnings on why not."""
    size = (sizing.size or "").upper() or None
    if sizing.base_memory is not None or sizing.memory_ratio is not None:
        return _flexible(sizing, size)
    if size is None:
        return None, [], []
    if size == "AUTO":
        return None, ["legacy size AUTO: Upsun sizes it, no size hint"], []
    if size not in facts.LEGACY_SIZES["HIGH_CPU"]:
        return None, [f"unknown legacy size {sizing.size!r}: no size hint"], []
    profile = facts.LEGACY_PROFILES.get(name)
    if profile is None:
        return None, [], [f"Platform.sh's size table names no container profile for {name!r}: "
                          f"what size {size} gave is not published, no size hint"]
    return Had(*facts.LEGACY_SIZES[profile][size]), [], []


def _flexible(sizing: LegacySizing, size: str | None) -> tuple[Had | None, list[str], list[str]]:
    base = sizing.base_memory if sizing.base_memory is not None else facts.BASE_MEMORY_DEFAULT
    ratio = sizing.memory_ratio if sizing.memory_ratio is not None \
        else facts.MEMORY_RATIO_DEFAULT
    formula = f"base_memory {base} MB + memory_ratio {ratio} MB per CPU"
    notes = [f"resources.{key} not set: Platform.sh's default {value} MB used"
             for key, set_, value in (("base_memory", sizing.base_memory, base),
                                      ("memory_ratio", sizing.memory_ratio, ratio))
             if set_ is None]
    if size is None or size == "AUTO":
        return None, notes, [f"legacy resources ({formula}) without a size: the memory "
                             "depended on the CPU Platform.sh chose, which the configuration "
                             "does not give; no size hint"]
    cpu = facts.FLEXIBLE_CPU.get(size)
    if cpu is None:
        return None, notes, [f"legacy resources ({formula}) with size {sizing.size}: "
                             "Platform.sh's flexible-resources table gives no CPU for it; "
                             "no size hint"]
    # Platform.sh's docs give the formula, not its rounding: a fraction of a MB is rounded up,
    # so that no hint gives less than the container had
    return Had(cpu, math.ceil(base + ratio * cpu)), notes, []


# --- the hint ---------------------------------------------------------------------------------

def hint_for(sizing: LegacySizing, need: Needs) -> ResourceHint:
    type_ = sizing.service_type or sizing.app_type
    before, notes, warnings = what_it_had(sizing, (type_ or "").partition(":")[0])
    own = sizing.container_profile if sizing.container_profile in facts.RAM_BY_PROFILE else None
    flexible = sizing.base_memory is not None or sizing.memory_ratio is not None
    cpu, profile = None, own or need.profile
    if before is not None:
        cpu, profile, problem = _size(before, profile, own is not None or not flexible, need,
                                      type_)
        warnings += [problem] if problem else []
    ram = facts.RAM_BY_PROFILE[profile][facts.CPU_SIZES.index(cpu)] \
        if cpu is not None and profile else None
    disk, disk_notes = _disk(sizing, need, type_)
    notes += disk_notes + (list(need.disk_notes) if disk is not None else []) \
        + (list(need.notes) if cpu is not None else [])
    notes += [f"comment on the removed line: {comment}" for comment in sizing.comments]
    if not named(sizing):
        notes.append("not in the resources:set command: the name is outside Upsun's naming "
                     "rules (UPS013)")
    return ResourceHint(sizing.container, sizing.kind, sizing, profile, need.profile, cpu, ram,
                        disk, tuple(notes), tuple(warnings), before)


def _size(before: Had, profile: str | None, fixed: bool, need: Needs,
          type_: str | None) -> tuple[float | None, str | None, str | None]:
    """The size and profile for what it had (`fixed`: in `profile` only), and a warning when
    there is none or it falls short."""
    if profile is None and fixed:
        return None, None, f"Upsun publishes no default container profile for {type_!r}: no " \
            "size hint"
    cpu, chosen, reached = _choose(before, profile, fixed, need)
    if reached:
        return cpu, chosen, None
    ram = facts.RAM_BY_PROFILE[chosen][facts.CPU_SIZES.index(cpu)]
    return cpu, chosen, (f"no Upsun size reaches what it had on Platform.sh "
                         f"({format_cpu(before.cpu)} CPU, {before.ram} MB): {format_cpu(cpu)} CPU "
                         f"with {ram} MB ({chosen}) is the largest")


def named(sizing: LegacySizing) -> bool:
    """Whether every name the container's name joins follows Upsun's naming rule."""
    return all(names.allowed(name) for name in sizing.names or (sizing.container,))


def _choose(before: Had, default: str | None, fixed: bool,
            need: Needs) -> tuple[float, str, bool]:
    """The smallest size with at least the CPU and RAM it had (and the image's minimums):
    under `default` when `fixed`, else in the default profile if it has the RAM at that size,
    else the profile with the least RAM that has it. Whether it was reached."""
    profiles = [default] if fixed and default else \
        ([default] if default else []) + [p for p in PROFILES if p != default]
    want_cpu, want_ram = max(before.cpu, need.min_cpu), max(before.ram, need.min_ram)
    for index, cpu in enumerate(facts.CPU_SIZES):
        if cpu < want_cpu:
            continue
        for profile in profiles:
            if facts.RAM_BY_PROFILE[profile][index] >= want_ram:
                return cpu, profile, True
    largest = [p for p in profiles if facts.RAM_BY_PROFILE[p][-1] >= want_ram] or profiles[-1:]
    return facts.CPU_SIZES[-1], largest[0], False


def _disk(sizing: LegacySizing, need: Needs, type_: str | None) -> tuple[int | None, list[str]]:
    disk = sizing.disk
    if disk is None:
        return None, []
    if sizing.kind is ContainerKind.WORKER:
        return None, [f"legacy disk {disk} MB not carried, workers use the app's disk"]
    if need.disk is False:
        return None, [f"legacy disk {disk} MB not carried: {type_} takes no disk on Upsun"]
    if need.disk is None:
        return disk, [f"Upsun publishes no disk rule for {type_}: the legacy disk is kept"]
    if disk < need.min_disk:
        return need.min_disk, [f"legacy disk {disk} MB raised to {need.min_disk} MB, the "
                               f"minimum for {type_} on Upsun"]
    return disk, []


# --- the command ------------------------------------------------------------------------------

def argv(hints: list[ResourceHint], environment: str = "") -> list[str] | None:
    """The one `upsun resources:set` command, as the arguments a shell passes it, for every
    container with a size or disk hint and a name Upsun's naming rule allows: any other name
    could hold what a shell or the CLI reads (`$(...)`, `;`, `,`, `:`, `*`, white space).
    `environment`: the `-e` value ("": none)."""
    named_hints = [h for h in hints if named(h.legacy)]
    sizes = [f"{h.container}:{format_cpu(h.cpu)}" for h in named_hints if h.cpu is not None]
    disks = [f"{h.container}:{h.disk}" for h in named_hints if h.disk is not None]
    if not sizes and not disks:
        return None
    args = ["upsun", "resources:set"]
    if environment:
        args += ["-e", environment]
    if sizes:
        args += ["--size", ",".join(sizes)]
    if disks:
        args += ["--disk", ",".join(disks)]
    return args


def command(hints: list[ResourceHint], environment: str | None = "", *,
            variable: str | None = None) -> str | None:
    """`argv` as one shell command line, each argument quoted (`shlex.join`). `environment`:
    the `-e` value (None: the placeholder the report asks to fill in; "": no `-e`, as in the
    config's comments); `variable`: instead, the shell variable that holds it (the script's)."""
    args = argv(hints, environment or "")
    if args is None:
        return None
    text = shlex.join(args)
    placeholder = f'"${variable}"' if variable is not None else \
        (PLACEHOLDER if environment is None else None)
    if placeholder is None:
        return text
    return text.replace("upsun resources:set", f"upsun resources:set -e {placeholder}", 1)


def comment_line(hint: ResourceHint) -> str:
    """The line that replaces a removed `size`/`disk`/`resources` in `.upsun/config.yaml`."""
    own = command([hint])
    legacy = []
    if hint.legacy.size is not None:
        legacy.append(f"legacy {_legacy_size(hint)}")
    if hint.legacy.disk is not None and hint.disk is not None:
        legacy.append(f"legacy disk: {hint.legacy.disk} MB")
    text = "resources: " + (own or "no resources:set value")
    if legacy:
        text += f" ({'; '.join(legacy)})"
    return "; ".join([text, *profile_notes(hint), *hint.notes, *hint.warnings])


def _legacy_size(hint: ResourceHint) -> str:
    """`size: L with resources, inherited from the app, 2.00 CPU / 3072 MB`."""
    sizing = hint.legacy
    text = f"{'web.size' if 'size' in sizing.from_web else 'size'}: {sizing.size}"
    flexible = sizing.base_memory is not None or sizing.memory_ratio is not None
    if flexible:
        text += " with resources"
    inherited = [key for key, yes in (("size", sizing.size_inherited),
                                      ("resources", sizing.resources_inherited and flexible))
                 if yes]
    if inherited:
        text += f", {' and '.join(inherited)} inherited from the app"
    if hint.had is not None:
        text += f", {hint.had.cpu:.2f} CPU / {hint.had.ram} MB"
    return text


def profile_notes(hint: ResourceHint) -> list[str]:
    """Why the hint sets another container profile than Upsun's default."""
    if hint.new_profile is None or hint.cpu is None or hint.by_hand:
        return []
    index = facts.CPU_SIZES.index(hint.cpu)
    default = hint.default_profile
    why = f"the default {default} gives {facts.RAM_BY_PROFILE[default][index]} MB at " \
        f"{format_cpu(hint.cpu)} CPU" if default else "Upsun publishes no default profile for it"
    if hint.new_profile == default:
        why = f"its app's is {hint.app_profile}, and Upsun's docs do not say whether a worker " \
            "inherits it"
    return [f"container_profile: {hint.new_profile} ({format_cpu(hint.cpu)} CPU / {hint.ram} MB; "
            f"{why})"]
