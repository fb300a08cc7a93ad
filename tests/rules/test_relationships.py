"""UPS004: `service:endpoint` strings become `{service, endpoint}` mappings."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.helpers import app_keys, check_transformed, codes

#: Relationships the rule leaves as they are.
NOOP = [
    pytest.param("relationships:\n    search:\n        service: search\n        endpoint: solr\n",
                 id="already a mapping"),
    pytest.param("relationships:\n    search: {service: search, endpoint: solr}\n",
                 id="a flow mapping"),
    pytest.param("relationships:\n    legacy:\n", id="no value"),
]

#: (legacy keys, the keys in the output)
FIXES = [
    pytest.param("relationships:\n    database: 'db:mysql'   # main db\n",
                 "relationships:\n    database: {service: db, endpoint: mysql}   # main db\n",
                 id="quoted, with a comment"),
    pytest.param('relationships:\n    cache: "cache:redis"\n',
                 "relationships:\n    cache: {service: cache, endpoint: redis}\n",
                 id="double-quoted"),
    pytest.param("relationships:\n    cache: cache:redis\n",
                 "relationships:\n    cache: {service: cache, endpoint: redis}\n",
                 id="plain"),
    pytest.param("relationships:\n    database: >-  # the main one\n        db:mysql\n",
                 "relationships:\n    database: {service: db, endpoint: mysql}  # the main one\n",
                 id="a block scalar with a header comment"),
    pytest.param("workers:\n    queue:\n        commands:\n            start: ./queue\n"
                 "        relationships:\n            database: 'db:admin'\n",
                 "workers:\n    queue:\n        commands:\n            start: ./queue\n"
                 "        relationships:\n            database: {service: db, endpoint: admin}\n",
                 id="a worker's"),
]


@pytest.mark.parametrize("legacy", NOOP)
def test_noop(tmp_path: Path, legacy: str) -> None:
    output, result = app_keys(tmp_path, legacy)
    assert (output, codes(result.changes, "UPS004")) == (legacy, [])


@pytest.mark.parametrize(("legacy", "expected"), FIXES)
def test_fix(tmp_path: Path, legacy: str, expected: str) -> None:
    output, result = app_keys(tmp_path, legacy)
    assert output == expected
    assert len(codes(result.changes, "UPS004")) == 1


def test_relationships(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            ".platform.app.yaml": """
            name: app
            type: 'php:8.3'
            relationships:
                database: 'db:mysql'   # main db
                cache: "cache:redis"
                search:
                    service: search
                    endpoint: solr
                legacy:
                ghost: 'nothing:http'
            workers:
                queue:
                    commands:
                        start: ./queue
                    relationships:
                        database: 'db:admin'
            """,
            ".platform/services.yaml": """
            db:
                type: 'mariadb:11.4'
            cache:
                type: 'redis:7.2'
            search:
                type: 'solr:9.6'
            varnish:
                type: 'varnish:7.6'
                relationships:
                    application: 'app:http'
            """,
        },
        """
        applications:
            app:
                type: 'php:8.3'
                relationships:
                    database: {service: db, endpoint: mysql}   # main db
                    cache: {service: cache, endpoint: redis}
                    search:
                        service: search
                        endpoint: solr
                    legacy:
                    ghost: {service: nothing, endpoint: http}
                workers:
                    queue:
                        commands:
                            start: ./queue
                        relationships:
                            database: {service: db, endpoint: admin}
        services:
            db:
                type: 'mariadb:11.4'
            cache:
                type: 'redis:7.2'
            search:
                type: 'solr:9.6'
            varnish:
                type: 'varnish:7.6'
                relationships:
                    application: {service: app, endpoint: http}
    """,
    )
    assert codes(result.changes, "UPS004") == [
        ".platform.app.yaml:4 applications.app.relationships.database: 'db:mysql' -> {service: db, endpoint: mysql}",
        ".platform.app.yaml:5 applications.app.relationships.cache: 'cache:redis' -> {service: cache, endpoint: redis}",
        ".platform.app.yaml:10 applications.app.relationships.ghost: 'nothing:http' -> {service: nothing, endpoint: http}",
        ".platform.app.yaml:16 applications.app.workers.queue.relationships.database: 'db:admin' -> {service: db, endpoint: admin}",
        ".platform/services.yaml:10 services.varnish.relationships.application: 'app:http' -> {service: app, endpoint: http}",
    ]
    assert codes(result.findings, "UPS004") == [
        "warning .platform.app.yaml:10 relationship 'ghost' targets 'nothing', which names no service or application"
    ]

