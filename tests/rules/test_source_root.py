from __future__ import annotations

from pathlib import Path

from tests.rules.helpers import check_transformed, codes


def test_source_root(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            "backend/api/.platform.app.yaml": """
            name: api
            type: 'python:3.12'
            hooks:
                build: pip install -r requirements.txt
            """,
            "front/.platform.app.yaml": """
            name: front
            type: 'nodejs:22'
            source:
                operations:
                    update:
                        command: npm update
            """,
            ".platform.app.yaml": """
            name: main
            type: 'php:8.3'
            source:
                root:
            """,
        },
        """
        applications:
            main:
                type: 'php:8.3'
            front:
                type: 'nodejs:22'
                source:
                    root: front
                    operations:
                        update:
                            command: npm update
            api:
                type: 'python:3.12'
                source:
                    root: backend/api
                hooks:
                    build: pip install -r requirements.txt
    """,
    )
    assert codes(result.changes, "UPS002") == [
        ".platform.app.yaml:4 applications.main.source.root: root: null -> (removed: the repository root)",
        "front/.platform.app.yaml:1 applications.front.source.root: front/.platform.app.yaml in front/ -> source.root: front",
        "backend/api/.platform.app.yaml:1 applications.api.source.root: backend/api/.platform.app.yaml in backend/api/ -> source.root: backend/api",
    ]
    assert codes(result.findings, "UPS002") == []
