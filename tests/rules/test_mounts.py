from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrator.model import LocalMounts, Settings
from tests.rules.helpers import app_keys, check_transformed, codes, migrated

#: Mounts the rule leaves as they are: sources Upsun has under the same name.
NOOP = [
    pytest.param("mounts:\n    'tmp':\n        source: tmp\n        source_path: tmp\n",
                 id="tmp"),
    pytest.param("mounts:\n    'web/files':\n        source: storage\n"
                 "        source_path: files\n", id="storage"),
    pytest.param("mounts:\n    'shared':\n        source: service\n        service: files\n"
                 "        source_path: shared\n", id="a network-storage service"),
]

#: (legacy keys, the keys in the output)
FIXES = [
    pytest.param("mounts:\n    'web/files':\n        source: local  # uploads\n"
                 "        source_path: files\n",
                 "mounts:\n    'web/files':\n        source: storage  # uploads\n"
                 "        source_path: files\n", id="local"),
    pytest.param("mounts:\n    '/private': 'shared:files/private'\n",
                 "mounts:\n    '/private': {source: storage, source_path: private}\n",
                 id="the string form"),
    pytest.param("workers:\n    queue:\n        commands:\n            start: ./queue\n"
                 "        mounts:\n            'web/files':\n                source: local\n"
                 "                source_path: files\n",
                 "workers:\n    queue:\n        commands:\n            start: ./queue\n"
                 "        mounts:\n            'web/files':\n                source: storage\n"
                 "                source_path: files\n", id="a worker's"),
]


@pytest.mark.parametrize("legacy", NOOP)
def test_noop(tmp_path: Path, legacy: str) -> None:
    output, result = app_keys(tmp_path, legacy)
    assert (output, codes(result.changes, "UPS003")) == (legacy, [])


@pytest.mark.parametrize(("legacy", "expected"), FIXES)
def test_fix(tmp_path: Path, legacy: str, expected: str) -> None:
    output, result = app_keys(tmp_path, legacy)
    assert output == expected
    assert len(codes(result.changes, "UPS003")) == 1


def test_mounts(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            ".platform.app.yaml": """
            name: app
            type: 'php:8.3'
            mounts:
                'web/files':
                    source: local
                    source_path: files
                '/private': 'shared:files/private'
                'tmp':
                    source: tmp
                    source_path: tmp
            variables:
                env:
                    MODE: local
                    STORE: shared
            workers:
                queue:
                    commands:
                        start: ./queue
                    mounts:
                        'web/files':
                            source: local
                            source_path: files
            """,
        },
        """
        applications:
            app:
                type: 'php:8.3'
                mounts:
                    'web/files':
                        source: storage
                        source_path: files
                    '/private': {source: storage, source_path: private}
                    'tmp':
                        source: tmp
                        source_path: tmp
                variables:
                    env:
                        MODE: local
                        STORE: shared
                workers:
                    queue:
                        commands:
                            start: ./queue
                        mounts:
                            'web/files':
                                source: storage
                                source_path: files
    """,
    )
    assert codes(result.changes, "UPS003") == [
        '.platform.app.yaml:5 applications.app.mounts."web/files".source: source: local -> source: storage',
        ".platform.app.yaml:7 applications.app.mounts.\"/private\": 'shared:files/private' -> {source: storage, source_path: private}",
        '.platform.app.yaml:21 applications.app.workers.queue.mounts."web/files".source: source: local -> source: storage',
    ]
    assert codes(result.findings, "UPS003") == [
        # 12.21: only what is certain; no claim that app and worker share the volume
        "warning .platform.app.yaml:4 app, app--queue each declared a local mount with source_path 'files': on Platform.sh each container had its own copy. Upsun's documentation is not consistent on whether an app and its workers share a storage mount; to share files between them, use a network-storage service (`source: service`, see https://docs.upsun.com/add-services/network-storage.html)",
        f"info .platform.app.yaml:4 {INSTANCE_NOTE}: this migration wrote `storage`, its "
        "default; --local-mounts instance writes `instance` instead",
        "warning .platform.app.yaml:4 app: local mount(s) web/files, /private became storage: on Platform.sh a local mount was each instance's own disk; a storage mount is one volume for all instances of this container when it scales",
        "warning .platform.app.yaml:20 app--queue: local mount(s) web/files became storage: on Platform.sh a local mount was each instance's own disk; a storage mount is one volume for all instances of this container when it scales",
    ]


INSTANCE_NOTE = ("Upsun's converter (`upsun convert`) and its migration guide treat `instance` "
                 "as the equivalent of Platform.sh's `local` (an instance mount is local to each "
                 "instance of the app, and set to 8 GB, as Upsun's docs say)")


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2)), min_size=1, max_size=4),
       st.sampled_from(["storage", "instance"]))
def test_the_instance_note_is_given_once_per_project(shape: list[tuple[int, int]],
                                                     target: str) -> None:
    """Any number of apps and workers with local mounts: one note for the project, one
    meaning-change warning per container that had a local mount (none with `instance`)."""
    apps = []
    for number, (mounts, workers) in enumerate(shape):
        local = "".join(f"        m{i}:\n            source: local\n" for i in range(mounts))
        app = f"-   name: app{number}\n    type: 'php:8.4'\n"
        app += f"    mounts:\n{local}" if mounts else ""
        app += "".join("    workers:\n" * (w == 0) + f"        w{w}:\n            commands:\n"
                       f"                start: ./w\n            mounts:\n                "
                       f"x:\n                    source: local\n" for w in range(workers))
        apps.append(app)
    with tempfile.TemporaryDirectory() as folder:
        result = migrated(Path(folder), {".platform/applications.yaml": "".join(apps)},
                          Settings(local_mounts=LocalMounts(target)))
    notes = [f for f in result.findings if f.code == "UPS003" and f.severity.value == "info"]
    changed = sum(1 for mounts, _ in shape if mounts) + sum(workers for _, workers in shape)
    assert len(notes) == (1 if changed else 0)
    warned = [f for f in result.findings if f.code == "UPS003" and "became storage" in f.message]
    assert len(warned) == (changed if target == "storage" else 0)
    if notes:
        assert notes[0].message.startswith(INSTANCE_NOTE)
        assert notes[0].message.endswith("as --local-mounts instance asks" if target ==
                                          "instance" else "writes `instance` instead")


def test_mounts_merged_into_a_second_app_are_warned_for_it_too(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            ".platform/applications.yaml": """
            -   &site
                name: en
                type: 'php:8.4'
                mounts:
                    var:
                        source: local
                        source_path: var
            -   <<: *site
                name: fr
            """
        },
        """
        applications:
            en: &site
                type: 'php:8.4'
                mounts:
                    var:
                        source: storage
                        source_path: var
            fr:
                <<: *site
    """,
    )
    assert [f.message.split(":")[0] for f in result.findings
            if f.code == "UPS003" and f.severity.value == "warning"] == ["en", "fr"]
    assert len(codes(result.changes, "UPS003")) == 1
