from __future__ import annotations

from pathlib import Path

from tests.rules.helpers import check_transformed, codes


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
