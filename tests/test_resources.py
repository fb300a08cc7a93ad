"""Resource hints: the spec's size table, profiles, workers, services, AUTO, and the command."""

from __future__ import annotations

import pytest

from migrator import resources
from migrator.model import ContainerKind, LegacySizing, Location

HERE = Location(".platform.app.yaml", 3)


def sizing(container: str = "app", kind: ContainerKind = ContainerKind.APP,
           **values: object) -> LegacySizing:
    return LegacySizing(container=container, kind=kind, location=HERE, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("size", "cpu", "ram"), [
    ("S", 0.5, 224), ("M", 1, 384), ("L", 2, 704), ("XL", 4, 1216), ("2XL", 8, 2240),
    ("4XL", 8, 2240),
])
def test_app_sizes_follow_the_table(size: str, cpu: float, ram: int) -> None:
    hint = resources.hint_for(sizing(size=size, app_type="php:8.3"))
    assert (hint.cpu, hint.ram, hint.profile) == (cpu, ram, "HIGH_CPU")


def test_4xl_says_16_needs_guaranteed_cpu() -> None:
    assert resources.hint_for(sizing(size="4XL")).notes == (
        "legacy 4XL was 16 CPU: 8 is the largest shared size, 16 needs guaranteed CPU",)


@pytest.mark.parametrize("size", ["AUTO", "auto"])
def test_auto_gives_no_size_hint(size: str) -> None:
    hint = resources.hint_for(sizing(size=size, disk=1024))
    assert (hint.cpu, hint.ram, hint.disk, hint.notes) == (None, None, 1024,
                                                          ("legacy size AUTO: no size hint",))
    assert resources.command([hint]) == "upsun resources:set --disk app:1024"


def test_unknown_size_is_said() -> None:
    assert resources.hint_for(sizing(size="XXL")).notes == (
        "unknown legacy size 'XXL': no size hint",)


@pytest.mark.parametrize(("service_type", "profile", "ram"), [
    ("mariadb:11.4", "HIGH_MEMORY", 2432), ("postgresql:16", "HIGH_MEMORY", 2432),
    ("redis:7.2", "BALANCED", 1920), ("redis-persistent:7.2", "BALANCED", 1920),
    ("memcached:1.6", "BALANCED", 1920), ("valkey:8.0", "BALANCED", 1920),
    ("chrome-headless:120", "HIGH_CPU", 384), ("network-storage:2.0", "HIGH_MEMORY", 2432),
])
def test_service_profiles(service_type: str, profile: str, ram: int) -> None:
    hint = resources.hint_for(sizing("db", ContainerKind.SERVICE, size="M",
                                     service_type=service_type))
    assert (hint.profile, hint.ram) == (profile, ram)


def test_java_apps_are_high_memory() -> None:
    assert resources.hint_for(sizing(size="S", app_type="java:21")).ram == 1408


def test_registry_profile_wins_over_the_table() -> None:
    hint = resources.hint_for(sizing(size="M", app_type="php:8.3"), registry_profile="BALANCED")
    assert (hint.profile, hint.ram) == ("BALANCED", 1920)


def test_worker_disk_is_reported_not_carried() -> None:
    hint = resources.hint_for(sizing("app--queue", ContainerKind.WORKER, size="M", disk=512))
    assert (hint.disk, hint.notes) == (None, ("legacy disk 512 MB not carried, workers use the "
                                              "app's disk",))


def test_legacy_memory_settings_are_explained() -> None:
    hint = resources.hint_for(sizing(size="M", base_memory=1024, memory_ratio=1024))
    assert hint.notes == ("legacy resources base_memory 1024 MB + memory_ratio 1024 MB/CPU gave "
                          "2048 MB at 1 CPU; nearest container_profile: BALANCED",)


def test_workers_example_command() -> None:
    """The "Work with workers" configuration of the Platform.sh documentation."""
    hints = [resources.hint_for(s) for s in [
        sizing("app", disk=2048, app_type="python:3.12"),
        sizing("app--queue", ContainerKind.WORKER, size="M", disk=512),
        sizing("app--mail", ContainerKind.WORKER, size="S", disk=256),
        sizing("mysqldb", ContainerKind.SERVICE, disk=2048, service_type="mariadb:11.4"),
        sizing("rabbitqueue", ContainerKind.SERVICE, disk=512, service_type="rabbitmq:3.13"),
    ]]
    assert resources.command(hints) == ("upsun resources:set --size app--queue:1,app--mail:0.5 "
                                        "--disk app:2048,mysqldb:2048,rabbitqueue:512")


def test_no_values_no_command() -> None:
    assert resources.command([]) is None


def test_comment_line_for_inherited_size() -> None:
    hint = resources.hint_for(sizing("app--mail", ContainerKind.WORKER, size="L",
                                     size_inherited=True))
    assert resources.comment_line(hint) == (
        "resources: upsun resources:set --size app--mail:2 (legacy size: L, inherited from the "
        "app)")
