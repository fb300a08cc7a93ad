from __future__ import annotations

from pathlib import Path

from tests.rules.helpers import check_transformed, codes, migrated


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


def test_a_folder_named_like_another_yaml_value_is_quoted(tmp_path: Path) -> None:
    """Plain `root: false` would read back as a boolean (and `null`, `1.0`, `0x1`, `True` likewise)."""
    folders = ["false", "null", "1.0", "0x1", "True", "yes", "-dash", "a b"]
    files = {f"{folder}/.platform.app.yaml": f"name: app{index}\ntype: 'php:8.3'\n"
             for index, folder in enumerate(folders)}
    result = migrated(tmp_path, files)
    roots = [line.strip() for line in result.config_text.splitlines() if "root:" in line]
    assert sorted(roots) == sorted(['root: "false"', 'root: "null"', 'root: "1.0"',
                                    'root: "0x1"', 'root: "True"', "root: yes", 'root: "-dash"',
                                    'root: a b'])
