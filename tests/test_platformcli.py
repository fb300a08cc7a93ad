"""Finding the Platform.sh CLI in shell commands: no-op and found tables, then the corpus."""

from __future__ import annotations

import pytest

from migrator.rules.platformcli import Kind, Use, uses

C, T, INST = Kind.COMMAND, Kind.TOKEN, Kind.INSTALLER
UPSUN_INSTALL = ("curl -fsSL https://raw.githubusercontent.com/platformsh/cli/main/installer.sh "
                 "| VENDOR=upsun bash")


@pytest.mark.parametrize("command", [
    "echo 'this platform is better'",
    "drush cr  # platform default",
    "# platform redeploy --yes\n   # platform snapshot:create",
    "php bin/console platform:sync",
    "cd platform && make",
    "platforms list",
    "my-platform deploy",
    "export PLATFORMSH_CLI_TOKEN_FILE=x",
    "curl https://example.com/platform.sh/cli/installer-docs",
    "curl -fsSL https://raw.githubusercontent.com/platformsh/cli/main/installer.sh | VENDOR=upsun bash",
])
def test_no_use(command: str) -> None:
    assert uses(command) == []


@pytest.mark.parametrize(("command", "expected"), [
    ("platform redeploy --no-wait --yes", [Use(C, 0, 0, "platform", "upsun")]),
    ('if [ $PLATFORM_BRANCH = "master" ]; then platform snapshot:create --yes; fi',
     [Use(C, 0, 41, "platform", "upsun")]),
    ("set -e\n    /app/.platformsh/bin/platform redeploy --yes",
     [Use(C, 1, 4, "/app/.platformsh/bin/platform", None)]),
    ("drush core:cron --uri=$(platform route:get --primary --property=url)",
     [Use(C, 0, 24, "platform", "upsun")]),
    ("true && platform backup:create || echo failed | platform sql",
     [Use(C, 0, 8, "platform", "upsun"), Use(C, 0, 48, "platform", "upsun")]),
    ("curl -sS https://platform.sh/cli/installer | php",
     [Use(INST, 0, 0, "curl -sS https://platform.sh/cli/installer | php", UPSUN_INSTALL)]),
    ("curl -fsSL https://raw.githubusercontent.com/platformsh/cli/main/installer.sh | bash",
     [Use(INST, 0, 0, "curl -fsSL https://raw.githubusercontent.com/platformsh/cli/main/"
                      "installer.sh | bash", UPSUN_INSTALL)]),
    ("wget -qO- https://platform.sh/cli/installer | php",
     [Use(INST, 0, 10, "https://platform.sh/cli/installer", None)]),
    ("set -e; curl -sS https://platform.sh/cli/installer | php -- --dev # dev build",
     [Use(INST, 0, 17, "https://platform.sh/cli/installer", None)]),
    ('export PLATFORMSH_CLI_TOKEN="$TOKEN"; platform env:info',
     [Use(T, 0, 7, "PLATFORMSH_CLI_TOKEN", "UPSUN_CLI_TOKEN"),
      Use(C, 0, 38, "platform", "upsun")]),
    ("./bin/platform self:build", [Use(C, 0, 0, "./bin/platform", None)]),
])
def test_uses(command: str, expected: list[Use]) -> None:
    found = uses(command)
    assert found == expected
    lines = command.split("\n")
    for use in found:  # each place names exactly the characters found
        assert lines[use.line][use.column:use.column + len(use.text)] == use.text


def test_messages() -> None:
    command, token, installer = uses(
        "curl -sS https://platform.sh/cli/installer | php; platform sql; echo $PLATFORMSH_CLI_TOKEN")
    assert command.kind is INST and token.kind is C and installer.kind is T
    assert command.message("hooks.build") == (
        "hooks.build installs the Platform.sh CLI (curl -sS https://platform.sh/cli/installer | "
        "php): install the Upsun CLI instead, as https://docs.upsun.com/administration/cli.html "
        "says")
    assert token.message("crons.snap") == (
        "crons.snap calls the Platform.sh CLI (`platform`): on Upsun the CLI is `upsun`, installed "
        "as https://docs.upsun.com/administration/cli.html says")
    assert installer.message("hooks.deploy") == (
        "hooks.deploy uses PLATFORMSH_CLI_TOKEN: the Upsun CLI reads UPSUN_CLI_TOKEN")
