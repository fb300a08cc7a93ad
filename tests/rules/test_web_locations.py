"""UPS010: the legacy `web` keys (document_root, passthru, index_files, expires, whitelist,
blacklist) become `web.locations."/"`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.helpers import app_keys, check_transformed, codes

#: `web` sections the rule leaves as they are.
NOOP = [
    pytest.param("web:\n    commands:\n        start: php-fpm\n", id="commands only"),
    pytest.param("web:\n    locations:\n        '/':\n            root: public\n"
                 "            passthru: /index.php\n", id="locations already"),
]

#: (legacy keys, the keys in the output)
FIXES = [
    pytest.param("web:\n    document_root: /web\n    blacklist:\n        - \\.sql$\n",
                 "web:\n    locations:\n        '/':\n            root: web\n"
                 "            rules:\n                \\.sql$:\n"
                 "                    allow: false\n",
                 id="a blacklist alone"),
    pytest.param("web:\n    document_root: /web\n    whitelist:\n        - \\.css$\n"
                 "        - \\.sql$\n    blacklist:\n        - \\.sql$\n",
                 "web:\n    locations:\n        '/':\n            root: web\n"
                 "            allow: false\n            rules:\n                \\.sql$:\n"
                 "                    allow: false\n                \\.css$:\n"
                 "                    allow: true\n",
                 id="a blacklist and a whitelist naming the same file"),
    pytest.param("web:\n    document_root: '/'\n    passthru: /index.php\n",
                 "web:\n    locations:\n        '/':\n            root: ''\n"
                 "            passthru: /index.php\n",
                 id="the root folder"),
]


@pytest.mark.parametrize("legacy", NOOP)
def test_noop(tmp_path: Path, legacy: str) -> None:
    output, result = app_keys(tmp_path, legacy)
    assert (output, codes(result.changes, "UPS010")) == (legacy, [])


@pytest.mark.parametrize(("legacy", "expected"), FIXES)
def test_fix(tmp_path: Path, legacy: str, expected: str) -> None:
    output, result = app_keys(tmp_path, legacy)
    assert output == expected
    assert (len(codes(result.changes, "UPS010")), codes(result.findings, "UPS010")) == (1, [])


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

