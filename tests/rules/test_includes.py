from __future__ import annotations

from pathlib import Path

import pytest

from migrator.errors import MigratorError
from tests.rules.helpers import check_transformed, codes, migrated


def test_includes(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            ".platform.app.yaml": """
            name: app
            type: 'php:8.3'
            hooks:
                build: !include
                    type: string
                    path: build.sh
            """,
            "build.sh": """
            echo build
            """,
            ".platform/services.yaml": """
            solr:
                type: 'solr:9.6'
                configuration:
                    cores:
                        main:
                            conf_dir: !archive "solr-conf"
                    endpoints:
                        main:
                            core: main
            varnish:
                type: 'varnish:7.6'
                relationships:
                    application: 'app:http'
                configuration:
                    vcl: !include
                        type: string
                        path: config.vcl
            """,
            ".platform/solr-conf/schema.xml": """
            <schema/>
            """,
            ".platform/config.vcl": """
            sub vcl_recv { }
            """,
        },
        """
        applications:
            app:
                type: 'php:8.3'
                hooks:
                    build: !include
                        type: string
                        path: build.sh
        services:
            solr:
                type: 'solr:9.6'
                configuration:
                    cores:
                        main:
                            conf_dir: !archive "solr-conf"
                    endpoints:
                        main:
                            core: main
            varnish:
                type: 'varnish:7.6'
                relationships:
                    application: {service: app, endpoint: http}
                configuration:
                    vcl: !include
                        type: string
                        path: config.vcl
    """,
    )
    assert codes(result.changes, "UPS008") == []
    assert codes(result.findings, "UPS008") == [
        "warning .platform/services.yaml:6 .platform/solr-conf is copied to .upsun/solr-conf: "
        "commit the copy with .upsun/config.yaml",
        "warning .platform/services.yaml:15 .platform/config.vcl is copied to .upsun/config.vcl: "
        "commit the copy with .upsun/config.yaml",
    ]


def test_include_of_type_archive_is_an_archive(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            ".platform.app.yaml": "name: app\ntype: 'php:8.4'\n",
            ".platform/services.yaml": """
            search:
                type: solr:9.9
                configuration:
                    cores:
                        main:
                            conf_dir: !include {type: archive, path: conf}
            """,
            ".platform/conf/schema.xml": "<schema/>\n",
        },
        """
        applications:
          app:
            type: 'php:8.4'
        services:
            search:
                type: solr:9.9
                configuration:
                    cores:
                        main:
                            conf_dir: !include {type: archive, path: conf}
    """,
    )
    assert [(p.path, p.source) for p in result.files] == [
        (".upsun/config.yaml", None), (".upsun/conf/schema.xml", ".platform/conf/schema.xml")]


def test_a_service_included_from_a_yaml_file_is_copied_to_a_sub_folder_and_migrated(
        tmp_path: Path) -> None:
    """Upsun reads every first-level .upsun/*.yaml as configuration: the copy of an included
    YAML file goes to .upsun/includes/ (the path is rewritten), and the rules act on the copy
    (issue 12.11, 12.12)."""
    result = check_transformed(tmp_path, {
        ".platform.app.yaml": "name: app\ntype: php:8.4\nrelationships:\n    db: 'db:mysql'\n",
        ".platform/services.yaml": "db: !include db.yaml   # the database\n",
        ".platform/db.yaml": "type: mariadb:11.4\ndisk: 2048  # grows fast\nfoo: bar\n",
    }, """
    applications:
        app:
            type: php:8.4
            relationships:
                db: {service: db, endpoint: mysql}
    services:
      db: !include includes/db.yaml   # the database
    """)
    copy = {p.path: p.new for p in result.files}[".upsun/includes/db.yaml"]
    assert copy == (b"type: mariadb:11.4\n"
                    b"# resources: upsun resources:set --disk db:2048 (legacy disk: 2048 MB)\n"
                    b"# grows fast\n"
                    b"# foo: removed, Upsun does not accept this key (see the migration report)\n")
    assert codes(result.changes, "UPS005") == [
        ".platform/db.yaml:2 services.db.disk: disk: 2048 -> # resources: upsun resources:set "
        "--disk db:2048 (legacy disk: 2048 MB)"]
    assert [s.container for s in result.sizings] == ["db"]
    assert codes(result.changes, "UPS011") == [".platform/db.yaml:3 services.db.foo: foo: bar -> "
                                               "(removed)"]


def test_an_include_in_a_sub_folder_keeps_its_path(tmp_path: Path) -> None:
    result = migrated(tmp_path, {
        ".platform.app.yaml": "name: app\ntype: php:8.4\n",
        ".platform/services.yaml": "cache:\n    type: varnish:7.6\n    configuration:\n"
                                   "        vcl: !include {type: string, path: conf/x.vcl}\n",
        ".platform/conf/x.vcl": "vcl 4.0;\n"})
    assert ".upsun/conf/x.vcl" in {p.path for p in result.files}
    assert "path: conf/x.vcl" in result.config_text


def test_a_file_named_only_by_a_removed_key_is_not_copied(tmp_path: Path) -> None:
    """UPS011 removes the unknown route key; the file it named is not needed (issue 12.13)."""
    result = migrated(tmp_path, {
        ".platform.app.yaml": "name: app\ntype: php:8.4\n",
        ".platform/routes.yaml": "'https://{default}/':\n    type: upstream\n"
                                 "    upstream: app:http\n    extra: !include notes.yaml\n",
        ".platform/notes.yaml": "a: 1\n"})
    assert [p.path for p in result.files] == [".upsun/config.yaml"]
    assert codes(result.findings, "UPS008") == []


def test_two_services_including_one_file_share_one_edited_copy(tmp_path: Path) -> None:
    """One file, one source: its edits are made once (two sources of one file once gave
    overlapping edits, an internal error)."""
    result = migrated(tmp_path, {
        ".platform.app.yaml": "name: app\ntype: php:8.4\n",
        ".platform/services.yaml": "db: !include db.yaml\ndb2: !include db.yaml\n",
        ".platform/db.yaml": "type: mariadb:11.4\ndisk: 512\n"})
    copy = {p.path: p.new for p in result.files}[".upsun/includes/db.yaml"]
    assert copy == (b"# resources: upsun resources:set --disk db2:512 (legacy disk: 512 MB)\n"
                    b"type: mariadb:11.4\n"
                    b"# resources: upsun resources:set --disk db:512 (legacy disk: 512 MB)\n")
    assert [(s.container, s.disk) for s in result.sizings] == [("db", 512), ("db2", 512)]


@pytest.mark.parametrize(("text", "error"), [
    ("# nothing yet\n", ".platform/db.yaml: file is empty (no YAML document)"),
    ("- a\n", ".platform/db.yaml:1: expected a mapping at the top level, found a list"),
])
def test_an_included_service_file_that_holds_no_mapping_is_a_one_line_error(
        tmp_path: Path, text: str, error: str) -> None:
    with pytest.raises(MigratorError) as failure:
        migrated(tmp_path, {".platform.app.yaml": "name: app\ntype: php:8.4\n",
                            ".platform/services.yaml": "db: !include db.yaml\n",
                            ".platform/db.yaml": text})
    assert str(failure.value) == error
