from __future__ import annotations

from pathlib import Path

from tests.rules.helpers import check_transformed, codes


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


def test_a_block_scalar_with_a_header_comment_is_converted(tmp_path: Path) -> None:
    """ruamel.yaml keeps `|  # text` as bare text beside the value; replacing the value must not
    leave it behind (it stopped the dump with an internal error)."""
    check_transformed(
        tmp_path,
        {
            ".platform.app.yaml": """
            name: app
            type: 'php:8.3'
            relationships:
                database: >-  # the main one
                    db:mysql
            """,
        },
        """
        applications:
            app:
                type: 'php:8.3'
                relationships:
                    database: {service: db, endpoint: mysql}  # the main one
    """,
    )
