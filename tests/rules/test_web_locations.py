from __future__ import annotations

from pathlib import Path

from tests.rules.helpers import check_transformed, codes


def test_web_locations(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            ".platform.app.yaml": r"""
            name: app
            type: 'php:8.3'
            web:
                commands:
                    start: php-fpm
                document_root: "/public"
                passthru: "/index.php"
                index_files:
                    - index.php
                expires: 1h
                whitelist:
                    - \.css$
                    - \.js$
            """,
        },
        r"""
        applications:
            app:
                type: 'php:8.3'
                web:
                    commands:
                        start: php-fpm
                    locations:
                        '/':
                            root: "public"
                            passthru: "/index.php"
                            index:
                                - index.php
                            expires: 1h
                            allow: false
                            rules:
                                \.css$:
                                    allow: true
                                \.js$:
                                    allow: true
    """,
    )
    assert codes(result.changes, "UPS010") == [
        '.platform.app.yaml:6 applications.app.web.locations."/": document_root: /public, passthru: /index.php, index_files: [index.php], expires: 1h, whitelist: [\\.css$, \\.js$] -> {root: public, passthru: /index.php, index: [index.php], expires: 1h, allow: false, rules: {\\.css$: {allow: true}, \\.js$: {allow: true}}}'
    ]
    assert codes(result.findings, "UPS010") == []


def test_blacklist_alone_and_with_a_whitelist(tmp_path: Path) -> None:
    web = "name: app\ntype: 'php:8.4'\nweb:\n    document_root: /web\n"
    alone = check_transformed(tmp_path / "alone", {".platform.app.yaml": web + (
        "    blacklist:\n        - \\.sql$\n")}, """
        applications:
            app:
                type: 'php:8.4'
                web:
                    locations:
                        '/':
                            root: web
                            rules:
                                \\.sql$:
                                    allow: false
        """)
    assert codes(alone.findings, "UPS010") == []
    check_transformed(tmp_path / "both", {".platform.app.yaml": web + (
        "    whitelist:\n        - \\.css$\n        - \\.sql$\n    blacklist:\n        - \\.sql$\n")},
        """
        applications:
            app:
                type: 'php:8.4'
                web:
                    locations:
                        '/':
                            root: web
                            allow: false
                            rules:
                                \\.sql$:
                                    allow: false
                                \\.css$:
                                    allow: true
        """)
