from __future__ import annotations

from pathlib import Path

from tests.rules.helpers import check_transformed, codes


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
        "warning .platform.app.yaml:4 app, app--queue each declared a local mount with source_path 'files': on Platform.sh each container had its own copy. Upsun's documentation is not consistent on whether an app and its workers share a storage mount; to share files between them, use a network-storage service (`source: service`, see https://docs.upsun.com/add-services/network-storage.md)",
        "warning .platform.app.yaml:4 app: local mount(s) web/files, /private became storage: on Platform.sh a local mount was each instance's own disk; a storage mount is one volume for all instances of this container when it scales (use --local-mounts instance to keep per-instance disks)",
        "warning .platform.app.yaml:20 app--queue: local mount(s) web/files became storage: on Platform.sh a local mount was each instance's own disk; a storage mount is one volume for all instances of this container when it scales (use --local-mounts instance to keep per-instance disks)",
    ]


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
    assert [f.message.split(":")[0] for f in result.findings if f.code == "UPS003"] == [
        "en", "fr"]
    assert len(codes(result.changes, "UPS003")) == 1
