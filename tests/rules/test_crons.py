from __future__ import annotations

from pathlib import Path

from tests.rules.helpers import check_transformed, codes


def test_crons(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            ".platform.app.yaml": """
            name: app
            type: 'php:8.3'
            crons:
                local:
                    spec: '*/5 * * * *'
                    cmd: 'php cron.php'
                string:
                    spec: 'H * * * *'
                    commands: 'php other.php'
                modern:
                    spec: 'H H * * *'
                    commands:
                        start: php modern.php
            cron:
                spec: stray
            """,
        },
        """
        applications:
            app:
                type: 'php:8.3'
                crons:
                    local:
                        spec: '*/5 * * * *'
                        commands:
                            start: 'php cron.php'
                    string:
                        spec: 'H * * * *'
                        commands:
                            start: 'php other.php'
                    modern:
                        spec: 'H H * * *'
                        commands:
                            start: php modern.php
                # cron: removed, Upsun does not accept this key (see the migration report)
    """,
    )
    assert codes(result.changes, "UPS009") == [
        # 12.18: the `cmd:` line itself, with the real command (was the `spec:` line and a
        # `<command>` placeholder)
        ".platform.app.yaml:6 applications.app.crons.local.commands: cmd: 'php cron.php' -> commands: {start: 'php cron.php'}",
        ".platform.app.yaml:9 applications.app.crons.string.commands: commands: 'php other.php' -> commands: {start: 'php other.php'}",
    ]
    assert codes(result.findings, "UPS009") == []


def test_comments_of_a_cmd_stay(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        {
            ".platform.app.yaml": """
            name: app
            type: 'php:8.3'
            crons:
                script:
                    spec: 'H * * * *'
                    cmd: |  # nightly
                        php one.php
                        php two.php
                short:
                    spec: 'H * * * *'
                    cmd: 'php cron.php'   # the short one
            """,
        },
        """
        applications:
            app:
                type: 'php:8.3'
                crons:
                    script:
                        spec: 'H * * * *'
                        commands:
                            start: |  # nightly
                                php one.php
                                php two.php
                    short:
                        spec: 'H * * * *'
                        commands:
                            start: 'php cron.php'   # the short one
    """,
    )
