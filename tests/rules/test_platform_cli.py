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
        "warning .platform.app.yaml:6 applications.app.hooks.build installs the Platform.sh CLI "
        "(curl -sS https://platform.sh/cli/installer | php): install the Upsun CLI instead, as "
        "https://docs.upsun.com/administration/cli.html says"]


UPSUN_INSTALL = ("curl -fsSL https://raw.githubusercontent.com/platformsh/cli/main/installer.sh "
                 "| VENDOR=upsun bash")
INSTALLING = """
    name: app
    type: php:8.4
    hooks:
        build: |
            set -e
            {install}
        deploy: |
            platform backup:create --yes --no-wait
            export PLATFORMSH_CLI_TOKEN="$TOKEN"
    workers:
        queue:
            commands:
                start: platform redeploy
"""


@pytest.mark.parametrize("install", [
    "curl -sS https://platform.sh/cli/installer | php",
    "curl -fsS https://platform.sh/cli/installer | php",
    "curl -fsSL https://raw.githubusercontent.com/platformsh/cli/main/installer.sh | bash"])
def test_rename_installs_the_upsun_cli_where_the_build_installed_platformsh_s(
        tmp_path: Path, install: str) -> None:
    """`upsun` is called only where the build installs it: the published Platform.sh install
    line becomes the one Upsun's docs give."""
    result = migrated(tmp_path, {".platform.app.yaml": INSTALLING.format(install=install)},
                      Settings(rename_platform_cli=True))
    assert f"                {UPSUN_INSTALL}\n" in result.config_text
    assert "upsun backup:create" in result.config_text and "start: upsun redeploy" in \
        result.config_text and "UPSUN_CLI_TOKEN" in result.config_text
    assert codes(result.changes, "UPS012")[0] == (
        f".platform.app.yaml:6 applications.app.hooks.build: {install} -> {UPSUN_INSTALL}")
    assert [f.message.partition("; ")[2] for f in result.findings if f.code == "UPS012"] == [
        f"replaced by `{UPSUN_INSTALL}`, the Upsun CLI's installer in Upsun's docs",
        "renamed to upsun", "renamed to UPSUN_CLI_TOKEN", "renamed to upsun"]


@pytest.mark.parametrize("install", [
    "curl -sS https://platform.sh/cli/installer | php -- --dev",
    "wget -qO- https://platform.sh/cli/installer | php",
    "curl -fsSL https://raw.githubusercontent.com/platformsh/cli/main/installer.sh | sh"])
def test_no_rename_in_an_app_whose_install_line_has_no_exact_counterpart(
        tmp_path: Path, install: str) -> None:
    result = migrated(tmp_path, {".platform.app.yaml": INSTALLING.format(install=install)},
                      Settings(rename_platform_cli=True))
    plain = migrated(tmp_path, {".platform.app.yaml": INSTALLING.format(install=install)})
    assert result.config_text == plain.config_text
    assert codes(result.changes, "UPS012") == []
    url = next(word for word in install.split() if word.startswith("https://"))
    notes = [f.message.partition("; ")[2] for f in result.findings if f.code == "UPS012"]
    upsun = f"`{UPSUN_INSTALL}`, as Upsun's docs do in a build hook"
    assert notes == [
        "not replaced (only the lines Platform.sh published its installers with are): install "
        f"the Upsun CLI with {upsun}, and rename this app's commands by hand"] + [
        f"not renamed: this app installs the Platform.sh CLI (`{url}`), so `upsun` would not be "
        f"there: install the Upsun CLI with {upsun}, and rename by hand"] * 3


def test_the_upsun_installer_is_not_a_platformsh_one(tmp_path: Path) -> None:
    result = migrated(tmp_path, {".platform.app.yaml": INSTALLING.format(install=UPSUN_INSTALL)},
                      Settings(rename_platform_cli=True))
    assert [f.message.partition("; ")[2] for f in result.findings if f.code == "UPS012"] == [
        "renamed to upsun", "renamed to UPSUN_CLI_TOKEN", "renamed to upsun"]


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
    from migrator.migration.pipeline import migrate
    from tests.conftest import CORPUS

    plain = migrate(CORPUS / project_id, Settings())
    renamed = migrate(CORPUS / project_id, Settings(rename_platform_cli=True))
    before, after = plain.config_text.split("\n"), renamed.config_text.split("\n")
    assert len(before) == len(after)
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    installed = [(b, a) for b, a in changed if a.strip() == UPSUN_INSTALL]
    for old, new in installed:  # a published Platform.sh install line, replaced whole
        assert old.strip() in ("curl -sS https://platform.sh/cli/installer | php",
                               "curl -fsS https://platform.sh/cli/installer | php",
                               "curl -fsSL https://raw.githubusercontent.com/platformsh/cli/main/"
                               "installer.sh | bash")
        assert old[:len(old) - len(old.lstrip())] == new[:len(new) - len(new.lstrip())]
    for old, new in (pair for pair in changed if pair not in installed):
        assert old.replace("PLATFORMSH_CLI_TOKEN", "UPSUN_CLI_TOKEN").replace(
            "platform ", "upsun ") == new.replace("platform ", "upsun ")
    assert len(changed) - len(installed) == sum(
        1 for f in renamed.findings if f.code == "UPS012" and "renamed to" in f.message)
    assert len(installed) == sum(1 for f in renamed.findings
                                 if f.code == "UPS012" and "; replaced by" in f.message)
