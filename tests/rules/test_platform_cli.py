"""UPS012: the Platform.sh CLI in commands: reported always, renamed only on request."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.model import Settings
from tests.rules.helpers import check_transformed, codes, migrated

DOCS = "installed as https://docs.upsun.com/administration/cli.html says"
APP = """
    name: app
    type: php:8.4
    hooks:
        deploy: |
            # platform redeploy: a shell comment, not a call
            platform backup:create --yes --no-wait
            echo "the platform is ready"
            export PLATFORMSH_CLI_TOKEN="$TOKEN"
    crons:
        snapshot:
            spec: '0 5 * * *'
            cmd: 'platform snapshot:create --yes'
    workers:
        queue:
            commands:
                start: /app/.platformsh/bin/platform redeploy --yes
"""
RENAMED = """\
applications:
    app:
        type: php:8.4
        hooks:
            deploy: |
                # platform redeploy: a shell comment, not a call
                upsun backup:create --yes --no-wait
                echo "the platform is ready"
                export UPSUN_CLI_TOKEN="$TOKEN"
        crons:
            snapshot:
                spec: '0 5 * * *'
                commands:
                    start: 'platform snapshot:create --yes'
        workers:
            queue:
                commands:
                    start: /app/.platformsh/bin/platform redeploy --yes
"""


def test_every_use_is_reported_with_its_line(tmp_path: Path) -> None:
    result = migrated(tmp_path, {".platform.app.yaml": APP})
    assert codes(result.findings, "UPS012") == [
        "warning .platform.app.yaml:6 applications.app.hooks.deploy calls the Platform.sh CLI "
        f"(`platform`): on Upsun the CLI is `upsun`, {DOCS}",
        "warning .platform.app.yaml:8 applications.app.hooks.deploy uses PLATFORMSH_CLI_TOKEN: "
        "the Upsun CLI reads UPSUN_CLI_TOKEN",
        "warning .platform.app.yaml:12 applications.app.crons.snapshot.cmd calls the Platform.sh "
        f"CLI (`platform`): on Upsun the CLI is `upsun`, {DOCS}",
        "warning .platform.app.yaml:16 applications.app.workers.queue.commands.start calls the "
        f"Platform.sh CLI (`/app/.platformsh/bin/platform`): on Upsun the CLI is `upsun`, {DOCS}",
    ]
    assert codes(result.changes, "UPS012") == []
    assert "platform backup:create" in result.config_text  # reported, never rewritten silently


def test_rename_touches_only_the_command_word_and_the_token(tmp_path: Path) -> None:
    result = check_transformed(tmp_path, {".platform.app.yaml": APP}, RENAMED,
                               Settings(rename_platform_cli=True))
    assert codes(result.changes, "UPS012") == [
        ".platform.app.yaml:6 applications.app.hooks.deploy: PLATFORMSH_CLI_TOKEN, platform -> "
        "UPSUN_CLI_TOKEN, upsun"]
    notes = [f.message.partition("; ")[2] for f in result.findings if f.code == "UPS012"]
    assert notes == ["renamed to upsun", "renamed to UPSUN_CLI_TOKEN",
                     "not renamed (its place is not certain, or UPS009 moves this command): "
                     "rename it by hand", ""]


def test_an_installer_download_is_reported(tmp_path: Path) -> None:
    result = migrated(tmp_path, {".platform.app.yaml": """
        name: app
        type: php:8.4
        hooks:
            build: |
                set -e
                curl -sS https://platform.sh/cli/installer | php
    """})
    assert codes(result.findings, "UPS012") == [
        "warning .platform.app.yaml:6 applications.app.hooks.build downloads the Platform.sh CLI "
        "installer (https://platform.sh/cli/installer): install the Upsun CLI instead, as "
        "https://docs.upsun.com/administration/cli.html says"]


def test_a_command_shared_through_an_anchor_is_read_once(tmp_path: Path) -> None:
    result = migrated(tmp_path, {".platform.app.yaml": """
        name: app
        type: php:8.4
        hooks:
            deploy: &deploy platform redeploy
            post_deploy: *deploy
    """})
    assert len(codes(result.findings, "UPS012")) == 1


def test_values_no_command_holds_are_left_alone(tmp_path: Path) -> None:
    result = migrated(tmp_path, {".platform.app.yaml": """
        name: app
        type: php:8.4
        variables:
            env:
                TOOL: platform
        web:
            locations:
                /:
                    root: platform
    """}, Settings(rename_platform_cli=True))
    assert codes(result.findings, "UPS012") == []
    assert "TOOL: platform" in result.config_text and "root: platform" in result.config_text


def _corpus_with_the_cli() -> list[str]:
    import json

    from tests.conftest import CORPUS
    from tests.test_corpus import INTENDED_FAILURES

    manifest = json.loads((CORPUS / "MANIFEST.json").read_text(encoding="utf-8"))
    return [entry["id"] for entry in manifest if entry["id"] not in INTENDED_FAILURES
            and any("platform " in (CORPUS / rel).read_text(encoding="utf-8", errors="replace")
                   or "PLATFORMSH_CLI_TOKEN" in (CORPUS / rel).read_text(encoding="utf-8",
                                                                            errors="replace")
                   for rel in entry["files"] if rel.endswith((".yaml", ".yml")))]


@pytest.mark.parametrize("project_id", _corpus_with_the_cli())
def test_on_the_corpus_a_rename_changes_exactly_the_renamed_words(project_id: str) -> None:
    """Property: with --rename-platform-cli the output differs from the plain one only where a
    word was renamed, line for line; every other byte stays."""
    from migrator.pipeline import migrate
    from tests.conftest import CORPUS

    plain = migrate(CORPUS / project_id, Settings())
    renamed = migrate(CORPUS / project_id, Settings(rename_platform_cli=True))
    before, after = plain.config_text.split("\n"), renamed.config_text.split("\n")
    assert len(before) == len(after)
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    for old, new in changed:
        assert old.replace("PLATFORMSH_CLI_TOKEN", "UPSUN_CLI_TOKEN").replace(
            "platform ", "upsun ") == new.replace("platform ", "upsun ")
    assert len(changed) == sum(1 for f in renamed.findings
                               if f.code == "UPS012" and "renamed to" in f.message)
