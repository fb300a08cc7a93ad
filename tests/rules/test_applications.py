from __future__ import annotations

from pathlib import Path

from tests.rules.helpers import check_transformed, codes


def test_app_file_becomes_named_application(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            ".platform.app.yaml": """
        # The app.
        name: app   # its name
        type: 'php:8.3'
        variables:
            env:
                name: keep-me
        """
        },
        """
        applications:
            app:
                # The app.
                # its name
                type: 'php:8.3'
                variables:
                    env:
                        name: keep-me
    """,
    )
    assert codes(result.changes, "UPS001") == [
        ".platform.app.yaml:2 applications.app: name: app -> applications.app"
    ]


def test_applications_yaml_map_keys_are_names(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            ".platform/applications.yaml": """
        api:
            type: 'nodejs:22'
            source:
                root: api
        web:
            type: 'php:8.3'
            source:
                root: web
        """
        },
        """
        applications:
            api:
                type: 'nodejs:22'
                source:
                    root: api
            web:
                type: 'php:8.3'
                source:
                    root: web
    """,
    )
    assert result.apps == ("api", "web")


def test_applications_yaml_list_with_include(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        {
            ".platform/applications.yaml": """
            - !include api.app.yaml
            - name: web
              type: 'php:8.3'
              source:
                  root: web
            """,
            ".platform/api.app.yaml": """
            name: api
            type: 'python:3.12'
            source:
                root: api
            """,
        },
        """
        applications:
            api:
                type: 'python:3.12'
                source:
                    root: api
            web:
              type: 'php:8.3'
              source:
                  root: web
    """,
    )
