from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.helpers import check_transformed, codes, migrated


def test_resources(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            ".platform.app.yaml": """
            name: app
            type: 'php:8.3'
            size: L   # big
            disk: 2048
            resources:
                base_memory: 1024
                memory_ratio: 512
            variables:
                env:
                    disk: '1024'
                    size: M
            workers:
                queue:
                    size: M
                    disk: 512
                    commands:
                        start: ./queue
                mail:
                    commands:
                        start: ./mail
            """,
            ".platform/services.yaml": """
            db:
                type: 'mariadb:11.4'
                disk: 2048
                size: S
            cache:
                type: 'redis:7.2'
            """,
        },
        """
        applications:
            app:
                type: 'php:8.3'
                # resources: upsun resources:set --size app:2 --disk app:2048 (legacy size: L with resources, 2.00 CPU / 2048 MB; legacy disk: 2048 MB); container_profile: BALANCED (2 CPU / 2800 MB; the default HIGH_CPU gives 704 MB at 2 CPU)
                # big
                container_profile: BALANCED
                variables:
                    env:
                        disk: '1024'
                        size: M
                workers:
                    queue:
                        # resources: upsun resources:set --size app--queue:1 (legacy size: M with resources, resources inherited from the app, 1.00 CPU / 1536 MB); container_profile: BALANCED (1 CPU / 1920 MB; the default HIGH_CPU gives 384 MB at 1 CPU); legacy disk 512 MB not carried, workers use the app's disk
                        container_profile: BALANCED
                        commands:
                            start: ./queue
                    mail:
                        # resources: upsun resources:set --size app--mail:2 (legacy size: L with resources, size and resources inherited from the app, 2.00 CPU / 2048 MB); container_profile: BALANCED (2 CPU / 2800 MB; the default HIGH_CPU gives 704 MB at 2 CPU)
                        container_profile: BALANCED
                        commands:
                            start: ./mail
        services:
            db:
                type: 'mariadb:11.4'
                # resources: upsun resources:set --size db:0.25 --disk db:2048 (legacy size: S, 0.25 CPU / 128 MB; legacy disk: 2048 MB)
            cache:
                type: 'redis:7.2'
    """,
    )
    assert codes(result.changes, "UPS005") == [
        ".platform.app.yaml:3 applications.app.size: size: L -> # resources: upsun resources:set --size app:2 --disk app:2048 (legacy size: L with resources, 2.00 CPU / 2048 MB; legacy disk: 2048 MB); container_profile: BALANCED (2 CPU / 2800 MB; the default HIGH_CPU gives 704 MB at 2 CPU)",
        ".platform.app.yaml:4 applications.app.disk: disk: 2048 -> (removed; see resource hints)",
        ".platform.app.yaml:5 applications.app.resources: resources: {base_memory: 1024, memory_ratio: 512} -> (removed; see resource hints)",
        ".platform.app.yaml:3 applications.app.container_profile: (Upsun's default profile) -> container_profile: BALANCED",
        ".platform.app.yaml:14 applications.app.workers.queue.size: size: M -> # resources: upsun resources:set --size app--queue:1 (legacy size: M with resources, resources inherited from the app, 1.00 CPU / 1536 MB); container_profile: BALANCED (1 CPU / 1920 MB; the default HIGH_CPU gives 384 MB at 1 CPU); legacy disk 512 MB not carried, workers use the app's disk",
        ".platform.app.yaml:15 applications.app.workers.queue.disk: disk: 512 -> (removed; see resource hints)",
        ".platform.app.yaml:14 applications.app.workers.queue.container_profile: (Upsun's default profile) -> container_profile: BALANCED",
        ".platform.app.yaml:19 applications.app.workers.mail.container_profile: (Upsun's default profile) -> container_profile: BALANCED",
        ".platform/services.yaml:3 services.db.disk: disk: 2048 -> # resources: upsun resources:set --size db:0.25 --disk db:2048 (legacy size: S, 0.25 CPU / 128 MB; legacy disk: 2048 MB)",
        ".platform/services.yaml:4 services.db.size: size: S -> (removed; see resource hints)",
    ]
    assert codes(result.findings, "UPS005") == []


def test_size_reached_through_merge_key_gets_a_hint(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            ".platform.app.yaml": """
            name: app
            type: 'php:8.3'
            workers:
                queue: &worker
                    size: L
                    disk: 256
                    commands:
                        start: ./queue
                mail:
                    <<: *worker
                    commands:
                        start: ./mail
            """
        },
        """
        applications:
            app:
                type: 'php:8.3'
                workers:
                    queue: &worker
                        # resources: upsun resources:set --size app--queue:2 (legacy size: L, 1.20 CPU / 256 MB); legacy disk 256 MB not carried, workers use the app's disk
                        commands:
                            start: ./queue
                    mail:
                        # resources: upsun resources:set --size app--mail:2 (legacy size: L, 1.20 CPU / 256 MB); legacy disk 256 MB not carried, workers use the app's disk
                        <<: *worker
                        commands:
                            start: ./mail
    """,
    )
    assert [(s.container, s.size, s.disk) for s in result.sizings] == [
        ("app--queue", "L", 256),
        ("app--mail", "L", 256),
    ]


def test_values_named_like_resources_elsewhere_are_untouched(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            ".platform.app.yaml": """
            name: app
            type: 'php:8.3'
            variables:
                env:
                    size: L
                    disk: '100'
                    resources: none
            web:
                locations:
                    '/':
                        root: public
                        headers:
                            size: big
            """
        },
        """
        applications:
            app:
                type: 'php:8.3'
                variables:
                    env:
                        size: L
                        disk: '100'
                        resources: none
                web:
                    locations:
                        '/':
                            root: public
                            headers:
                                size: big
    """,
    )
    assert result.sizings == ()
    assert codes(result.changes, "UPS005") == []


def test_worker_shared_by_a_merged_app_gets_its_hint_on_that_app(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            ".platform/applications.yaml": """
            -   &site
                name: en
                type: 'php:8.4'
                size: L
                workers:
                    queue:
                        size: S
                        commands:
                            start: ./queue
            -   <<: *site
                name: fr
            """
        },
        """
        applications:
            en: &site
                type: 'php:8.4'
                # resources: upsun resources:set --size en:2 (legacy size: L, 1.20 CPU / 256 MB)
                workers:
                    queue:
                        # resources: upsun resources:set --size en--queue:0.5 (legacy size: S, 0.40 CPU / 128 MB)
                        commands:
                            start: ./queue
            fr:
                # resources: upsun resources:set --size fr:2 (legacy size: L, 1.20 CPU / 256 MB)
                # resources: upsun resources:set --size fr--queue:0.5 (legacy size: S, 0.40 CPU / 128 MB)
                <<: *site
    """,
    )
    assert [(s.container, s.size) for s in result.sizings] == [
        ("en", "L"), ("en--queue", "S"), ("fr", "L"), ("fr--queue", "S")]


@pytest.mark.parametrize("value", ["1e400", ".inf", "-.inf", ".nan", "1.5", "abc", "[1]",
                                   "{a: 1}", "0x10"])
@pytest.mark.parametrize("key", ["disk", "resources.base_memory", "resources.memory_ratio"])
def test_a_legacy_number_that_is_no_whole_number_gives_no_hint_and_says_so(
        tmp_path: Path, key: str, value: str) -> None:
    """The class: any YAML value where a number of MB is expected (1e400 once crashed the run
    with an OverflowError)."""
    text = (f"name: app\ntype: php:8.4\ndisk: {value}\n" if key == "disk" else
            "name: app\ntype: php:8.4\nresources:\n    base_memory: "
            f"{value if key.endswith('base_memory') else 64}\n    memory_ratio: "
            f"{value if key.endswith('memory_ratio') else 128}\n")
    result = migrated(tmp_path, {".platform.app.yaml": text})
    warnings = [f for f in codes(result.findings, "UPS005") if "is not a whole number" in f]
    if value == "0x10":  # YAML 1.2 core: a hexadecimal integer, 16
        assert warnings == []
        return
    assert len(warnings) == 1 and warnings[0].startswith(
        f"warning .platform.app.yaml:3 app: legacy {key} ")


def test_web_size_sizes_the_app_and_workers_keep_the_top_level_one(tmp_path: Path) -> None:
    """`size` is "Set in instance": `web.size` sized the web instance (the Upsun app), and a
    worker inherits the top-level `size`, not the web's."""
    result = check_transformed(
        tmp_path,
        {
            ".platform.app.yaml": """
            name: app
            type: 'php:8.3'
            size: S
            web:
                size: XL
                locations:
                    '/':
                        root: public
            workers:
                queue:
                    commands:
                        start: ./queue
            """
        },
        """
        applications:
            app:
                type: 'php:8.3'
                # resources: upsun resources:set --size app:4 (legacy web.size: XL, 2.50 CPU / 384 MB)
                web:
                    locations:
                        '/':
                            root: public
                workers:
                    queue:
                        commands:
                            start: ./queue
    """,
    )
    assert [(h.container, h.cpu, h.legacy.from_web) for h in result.hints] == [
        ("app", 4, ("size",)), ("app--queue", 0.5, ())]


def test_a_profile_that_cannot_be_written_is_a_warning(tmp_path: Path) -> None:
    """A worker mapping shared through an anchor, and one in flow style: `container_profile`
    is not written (it would reach the other worker, or needs a flow edit); the hint stays in
    the default profile and a warning says what to set."""
    result = check_transformed(
        tmp_path,
        {
            ".platform.app.yaml": """
            name: app
            type: 'php:8.3'
            workers:
                queue: &worker
                    size: L
                    resources: {base_memory: 1024, memory_ratio: 1024}
                    commands:
                        start: ./queue
                mail: {size: L, resources: {base_memory: 1024, memory_ratio: 1024}, commands: {start: ./mail}}
            """
        },
        """
        applications:
            app:
                type: 'php:8.3'
                workers:
                    queue: &worker
                        # resources: upsun resources:set --size app--queue:2 (legacy size: L with resources, 2.00 CPU / 3072 MB); its legacy memory needs `container_profile: HIGH_MEMORY`, which is not written (its mapping is shared through an anchor): set it by hand; under the default HIGH_CPU, size 2 gives 704 MB
                        commands:
                            start: ./queue
                    # resources: upsun resources:set --size app--mail:2 (legacy size: L with resources, 2.00 CPU / 3072 MB); its legacy memory needs `container_profile: HIGH_MEMORY`, which is not written (its mapping is written in flow style): set it by hand; under the default HIGH_CPU, size 2 gives 704 MB
                    mail: {commands: {start: ./mail}}
    """,
    )
    assert [f.split(": its")[0] for f in codes(result.findings, "UPS005")] == [
        "warning .platform.app.yaml:5 app--queue", "warning .platform.app.yaml:9 app--mail"]
    assert [(h.cpu, h.new_profile, h.by_hand) for h in result.hints] == [
        (2, "HIGH_MEMORY", True), (2, "HIGH_MEMORY", True)]


def test_a_profile_is_written_into_an_applications_list_item(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            ".platform/applications.yaml": """
            -   name: api
                type: 'nodejs:20'
                workers:
                    jobs:
                        commands:
                            start: node jobs.js
                resources:
                    base_memory: 1024
                    memory_ratio: 1024
                size: M
            """
        },
        """
        applications:
            api:
                type: 'nodejs:20'
                workers:
                    jobs:
                        # resources: upsun resources:set --size api--jobs:1 (legacy size: M with resources, size and resources inherited from the app, 1.00 CPU / 2048 MB); container_profile: HIGH_MEMORY (1 CPU / 2432 MB; the default HIGH_CPU gives 384 MB at 1 CPU)
                        container_profile: HIGH_MEMORY
                        commands:
                            start: node jobs.js
                # resources: upsun resources:set --size api:1 (legacy size: M with resources, 1.00 CPU / 2048 MB); container_profile: HIGH_MEMORY (1 CPU / 2432 MB; the default HIGH_CPU gives 384 MB at 1 CPU)
                container_profile: HIGH_MEMORY
    """,
    )
    assert codes(result.changes, "UPS005")[-2:] == [
        ".platform/applications.yaml:7 applications.api.container_profile: (Upsun's default profile) -> container_profile: HIGH_MEMORY",
        ".platform/applications.yaml:5 applications.api.workers.jobs.container_profile: (Upsun's default profile) -> container_profile: HIGH_MEMORY",
    ]
    assert result.hints[0].legacy.location.line == 7  # `resources`, its first key in the file
    assert [h.new_profile for h in result.hints] == ["HIGH_MEMORY", "HIGH_MEMORY"]
