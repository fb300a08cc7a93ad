"""Resource hints: what each legacy container had (Platform.sh's tables), the Upsun size, profile
and disk that give it at least that, and the one `resources:set` command."""

from __future__ import annotations

import json
import math
import shlex

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from migrator import facts
from migrator.model import ContainerKind, LegacySizing, Location, ResourceHint
from migrator.upsun import resources
from migrator.upsun.registry import Registry
from tests.conftest import DATA

HERE = Location(".platform.app.yaml", 3)
REGISTRY = Registry(json.loads((DATA / "registry" / "registry.json").read_text("utf-8")))
APP, WORKER, SERVICE = ContainerKind.APP, ContainerKind.WORKER, ContainerKind.SERVICE


def sizing(container: str = "app", kind: ContainerKind = APP,
           **values: object) -> LegacySizing:
    return LegacySizing(container=container, kind=kind, location=HERE, **values)  # type: ignore[arg-type]


def hint(container: str = "app", kind: ContainerKind = APP,
         registry: Registry | None = REGISTRY, **values: object) -> ResourceHint:
    legacy = sizing(container, kind, **values)
    type_ = legacy.service_type or legacy.app_type
    return resources.hint_for(legacy, resources.needs(kind, type_, registry))


def test_the_upsun_table_is_ordered_as_the_choice_assumes() -> None:
    """Sizes ascending; at every size each profile has more RAM than the one before it."""
    assert list(facts.CPU_SIZES) == sorted(facts.CPU_SIZES)
    for index in range(len(facts.CPU_SIZES)):
        column = [facts.RAM_BY_PROFILE[p][index] for p in resources.PROFILES]
        assert column == sorted(set(column))
    for ram in facts.RAM_BY_PROFILE.values():
        assert len(ram) == len(facts.CPU_SIZES) and list(ram) == sorted(ram)


@pytest.mark.parametrize(("size", "cpu", "ram"), [
    ("S", 0.5, 224), ("M", 0.5, 224), ("L", 2, 704), ("XL", 4, 1216), ("2XL", 6, 1728),
])
def test_app_sizes_from_platformsh_high_cpu_table(size: str, cpu: float, ram: int) -> None:
    """HIGH_CPU: S and M 0.40 CPU / 128 MB, L 1.20 / 256, XL 2.50 / 384, 2XL 5.00 / 768."""
    found = hint(size=size, app_type="php:8.3")
    assert (found.cpu, found.ram, found.profile, found.warnings) == (cpu, ram, "HIGH_CPU", ())
    assert found.new_profile is None


def test_4xl_high_cpu_is_more_cpu_than_upsun_shares_and_says_so() -> None:
    found = hint(size="4XL", app_type="php:8.3")
    assert (found.cpu, found.ram, found.had) == (8, 2240, resources.Had(10.0, 1536))
    assert found.warnings == ("no Upsun size reaches what it had on Platform.sh (10 CPU, 1536 "
                              "MB): 8 CPU with 2240 MB (HIGH_CPU) is the largest",)


def test_redis_xl_had_a_tenth_of_a_cpu() -> None:
    """The issue's case: BALANCED XL was 0.10 CPU / 512 MB, not 4 CPU."""
    found = hint("cache", SERVICE, size="XL", service_type="redis:6.2")
    assert (found.cpu, found.ram, found.profile) == (0.25, 640, "BALANCED")
    assert resources.command([found], "main") == "upsun resources:set -e main --size cache:0.25"


@pytest.mark.parametrize("size", ["AUTO", "auto"])
def test_auto_gives_no_size_hint(size: str) -> None:
    found = hint(size=size, disk=1024, app_type="php:8.3")
    assert (found.cpu, found.ram, found.disk, found.notes) == (
        None, None, 1024, ("legacy size AUTO: Upsun sizes it, no size hint",))
    assert resources.command([found], "main") == "upsun resources:set -e main --disk app:1024"


def test_unknown_size_is_said() -> None:
    assert hint(size="XXL", app_type="php:8.3").notes == (
        "unknown legacy size 'XXL': no size hint",)


def test_an_image_platformsh_gives_no_profile_for_gets_no_size_hint_and_a_warning() -> None:
    found = hint("q", SERVICE, size="M", service_type="valkey:8.0")
    assert (found.cpu, found.warnings) == (None, (
        "Platform.sh's size table names no container profile for 'valkey': what size M gave "
        "is not published, no size hint",))


def test_legacy_resources_memory_is_met_with_another_profile() -> None:
    """The nine Next.js/Strapi/Gatsby templates: L with 1024 + 1024 MB per CPU had 2 CPU and
    3072 MB; HIGH_CPU has 704 MB at 2 CPU, HIGH_MEMORY 4032."""
    found = hint("nextjs", size="L", base_memory=1024, memory_ratio=1024, app_type="nodejs:14")
    assert (found.had.cpu, found.had.ram) == (2, 3072)  # type: ignore[union-attr]
    assert (found.cpu, found.ram, found.profile, found.new_profile) == (2, 4032, "HIGH_MEMORY",
                                                                        "HIGH_MEMORY")
    assert resources.profile_notes(found) == [
        "container_profile: HIGH_MEMORY (2 CPU / 4032 MB; the default HIGH_CPU gives 704 MB at "
        "2 CPU)"]


def test_legacy_resources_the_default_profile_meets_keep_it() -> None:
    found = hint(size="S", base_memory=64, memory_ratio=128, app_type="php:8.3")
    assert (found.had.ram, found.cpu, found.ram, found.new_profile) == (128, 0.5, 224, None)  # type: ignore[union-attr]


def test_a_missing_resources_value_is_platformsh_default_and_said() -> None:
    found = hint(size="M", base_memory=1024, app_type="php:8.3")
    assert found.had.ram == 1024 + 128  # type: ignore[union-attr]
    assert "resources.memory_ratio not set: Platform.sh's default 128 MB used" in found.notes


@pytest.mark.parametrize("size", [None, "AUTO"])
def test_legacy_resources_without_a_size_is_a_warning(size: str | None) -> None:
    found = hint("db", SERVICE, size=size, base_memory=512, memory_ratio=512,
                 service_type="elasticsearch:7.10")
    assert found.cpu is None
    assert found.warnings == (
        "legacy resources (base_memory 512 MB + memory_ratio 512 MB per CPU) without a size: "
        "the memory depended on the CPU Platform.sh chose, which the configuration does not "
        "give; no size hint",)


def test_legacy_resources_with_4xl_is_a_warning() -> None:
    """Platform.sh's flexible-resources table stops at 2XL."""
    found = hint(size="4XL", base_memory=64, memory_ratio=128, app_type="php:8.3")
    assert found.cpu is None and found.warnings[0].endswith(
        "with size 4XL: Platform.sh's flexible-resources table gives no CPU for it; no size hint")


def test_an_own_container_profile_is_kept_even_short_of_memory() -> None:
    found = hint(size="L", base_memory=1024, memory_ratio=1024, app_type="nodejs:20",
                 container_profile="HIGH_CPU")
    assert (found.cpu, found.profile, found.new_profile) == (8, "HIGH_CPU", None)
    assert found.warnings and found.warnings[0].startswith("no Upsun size reaches")


def test_a_profile_set_by_hand_keeps_its_size_and_says_what_the_default_gives() -> None:
    found = hint(size="L", base_memory=1024, memory_ratio=1024, app_type="nodejs:20")
    by_hand = resources.profile_by_hand(found, "its mapping is written in flow style")
    assert (by_hand.cpu, by_hand.new_profile, by_hand.by_hand) == (2, "HIGH_MEMORY", True)
    assert by_hand.warnings == (
        "its legacy memory needs `container_profile: HIGH_MEMORY`, which is not written (its "
        "mapping is written in flow style): set it by hand; under the default HIGH_CPU, size 2 "
        "gives 704 MB",)
    assert resources.profile_notes(by_hand) == []


def test_the_image_minimum_memory_sets_the_smallest_size() -> None:
    """gotenberg:8 needs 0.2 CPU and 512 MB (registry): 0.1 CPU is not a size it accepts."""
    found = hint("pdf", SERVICE, size="S", service_type="gotenberg:8")
    assert (found.cpu, found.ram) == (0.25, 832)


@pytest.mark.parametrize(("type_", "legacy", "expected", "note"), [
    ("network-storage:2.0", 128, 256,
     "legacy disk 128 MB raised to 256 MB, the minimum for network-storage:2.0 on Upsun"),
    ("kafka:3.7", 256, 512, "legacy disk 256 MB raised to 512 MB, the minimum for kafka:3.7 on "
                            "Upsun"),
    ("redis-persistent:7.2", 128, 256,
     "legacy disk 128 MB raised to 256 MB, the minimum for redis-persistent:7.2 on Upsun"),
    ("mariadb:11.4", 2048, 2048, None),
    ("redis:7.2", 512, None, "legacy disk 512 MB not carried: redis:7.2 takes no disk on Upsun"),
    ("memcached:1.6", 512, None,
     "legacy disk 512 MB not carried: memcached:1.6 takes no disk on Upsun"),
    ("valkey-persistent:8.0", 512, 512,
     "Upsun publishes no disk rule for valkey-persistent:8.0: the legacy disk is kept"),
])
def test_service_disks(type_: str, legacy: int, expected: int | None, note: str | None) -> None:
    found = hint("svc", SERVICE, disk=legacy, service_type=type_)
    assert found.disk == expected
    assert [n for n in found.notes if "disk" in n] == ([note] if note else [])


def test_worker_disk_is_reported_not_carried() -> None:
    found = hint("app--queue", WORKER, size="M", disk=512, app_type="php:8.3")
    assert (found.disk, found.notes) == (None, ("legacy disk 512 MB not carried, workers use "
                                                "the app's disk",))


def test_where_registry_and_docs_disagree_the_larger_minimum_is_used_and_said() -> None:
    need = resources.needs(SERVICE, "mongodb-enterprise:7.0", REGISTRY)
    assert (need.disk, need.min_disk, need.notes) == (True, 512, ())
    disagree = ("minimum disk of mongodb-enterprise:7.0: the registry gives 512 MB, Upsun's "
                "docs 256 MB; the larger is used")
    assert need.disk_notes == (disagree,)
    found = hint("db", SERVICE, disk=300, service_type="mongodb-enterprise:7.0")
    assert found.notes == ("legacy disk 300 MB raised to 512 MB, the minimum for "
                           "mongodb-enterprise:7.0 on Upsun", disagree)


def test_without_a_registry_the_documented_tables_answer() -> None:
    need = resources.needs(SERVICE, "postgresql:16", None)
    assert need == resources.Needs("HIGH_MEMORY", 0.1, 448, True, 256)
    assert resources.needs(SERVICE, "nope:1", None) == resources.Needs(None, 0, 0, None, 0)


def test_workers_example_command() -> None:
    """SPEC's "Work with workers" example (Platform.sh's own documentation)."""
    hints = [
        hint("app", disk=2048, app_type="python:3.12"),
        hint("app--queue", WORKER, size="M", disk=512, app_type="python:3.12"),
        hint("app--mail", WORKER, size="S", disk=256, app_type="python:3.12"),
        hint("mysqldb", SERVICE, disk=2048, service_type="mariadb:11.4"),
        hint("rabbitqueue", SERVICE, disk=512, service_type="rabbitmq:3.13"),
    ]
    assert resources.command(hints, None) == (
        "upsun resources:set -e <production environment> --size app--queue:0.5,app--mail:0.5 "
        "--disk app:2048,mysqldb:2048,rabbitqueue:512")


def test_the_command_quotes_what_comes_from_the_repository() -> None:
    found = [hint("my-app", disk=512, app_type="php:8.3")]
    command = resources.command(found, "feature/x y")
    assert command == "upsun resources:set -e 'feature/x y' --disk my-app:512"
    assert shlex.split(command) == ["upsun", "resources:set", "-e", "feature/x y", "--disk",
                                    "my-app:512"]
    assert resources.command(found, variable="environment") == (
        "upsun resources:set -e \"$environment\" --disk my-app:512")
    assert resources.command(found, None) == (
        "upsun resources:set -e <production environment> --disk my-app:512")


@pytest.mark.parametrize("name", ["a,b", "a:b", "a*", "a%", "my app", "db$(touch x)"])
def test_a_name_the_cli_cannot_take_is_left_out_and_says_why(name: str) -> None:
    """Names outside Upsun's naming rule (UPS013), which also keeps out what the CLI reads in
    a name (`,` and `:` separate its items, `%` and `*` are wildcards)."""
    found = hint(name, disk=512, app_type="php:8.3")
    assert resources.command([found], "main") is None
    assert "not in the resources:set command: the name is outside Upsun's naming rules " \
           "(UPS013)" in found.notes


def test_no_values_no_command() -> None:
    assert resources.command([], "main") is None


def test_comment_line_for_inherited_size() -> None:
    found = hint("app--mail", WORKER, size="L", size_inherited=True, app_type="php:8.3")
    assert resources.comment_line(found) == (
        "resources: upsun resources:set --size app--mail:2 (legacy size: L, size inherited from "
        "the app, 1.20 CPU / 256 MB)")


def test_comment_line_for_web_size() -> None:
    found = hint(size="XL", from_web=("size",), app_type="php:8.3")
    assert resources.comment_line(found) == (
        "resources: upsun resources:set --size app:4 (legacy web.size: XL, 2.50 CPU / 384 MB)")


IMAGES = sorted(set(facts.LEGACY_PROFILES) & set(facts.UPSUN_PROFILES))


@given(st.sampled_from(IMAGES), st.sampled_from(sorted(facts.LEGACY_SIZES["HIGH_CPU"])),
       st.sampled_from([APP, SERVICE]))
def test_never_less_than_it_had_without_a_warning(image: str, size: str,
                                                  kind: ContainerKind) -> None:
    """For every image both tables name and every legacy size: the hint's CPU and RAM are at
    least what Platform.sh gave, or a warning says why not; the size is one Upsun offers."""
    typed = {"service_type" if kind is SERVICE else "app_type": f"{image}:1"}
    found = hint("c", kind, None, size=size, **typed)
    assert found.had is not None and found.cpu in facts.CPU_SIZES
    assert found.ram == facts.RAM_BY_PROFILE[found.profile][  # type: ignore[index]
        facts.CPU_SIZES.index(found.cpu)]
    if not found.warnings:
        assert found.cpu >= found.had.cpu and found.ram >= found.had.ram
    assert found.new_profile is None  # without `resources`: the container's own profile


@given(st.sampled_from(sorted(facts.FLEXIBLE_CPU)), st.integers(64, 1024),
       st.integers(128, 1024), st.sampled_from(["php:8.3", "nodejs:20", "java:21"]))
@example("XS", 403, 949, "php:8.3")  # 640.25 MB: truncated to 640, a fraction was lost
def test_legacy_resources_memory_is_never_lost_without_a_warning(
        size: str, base: int, ratio: int, type_: str) -> None:
    found = hint(size=size, base_memory=base, memory_ratio=ratio, app_type=type_)
    formula = base + ratio * facts.FLEXIBLE_CPU[size]
    assert found.had is not None and found.had.ram == math.ceil(formula)  # never below
    assert found.cpu is not None and found.ram is not None
    assert (found.cpu >= found.had.cpu and found.ram >= formula) or found.warnings
    smaller = [c for c in facts.CPU_SIZES if found.had.cpu <= c < found.cpu]
    assert all(facts.RAM_BY_PROFILE[p][facts.CPU_SIZES.index(c)] < formula
               for c in smaller for p in resources.PROFILES)  # no smaller size would do
