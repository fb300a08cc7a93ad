"""Where shell commands in the configuration use the Platform.sh CLI (UPS012).

On Upsun the CLI is `upsun` and its token variable `UPSUN_CLI_TOKEN`; the Platform.sh CLI's
installers install `platform`. This module only finds the places in a command's text: the
command word `platform` where a command starts (not the word in an `echo`ed sentence), the
`PLATFORMSH_CLI_TOKEN` variable, and the download of a Platform.sh installer (the whole line it
was published with, which has an exact Upsun counterpart, or else the URL alone). Shell comment
lines are passed over. Pure functions over text; the rule reports and, on request, renames.
"""

from __future__ import annotations

import enum
import re
from typing import NamedTuple

from migrator import facts

DOCS = "https://docs.upsun.com/administration/cli.html"


class Kind(enum.Enum):
    COMMAND = "command"
    TOKEN = "token"
    INSTALLER = "installer"


class Use(NamedTuple):
    """One use, by its place in the command's text (0-based line and column) and its words."""

    kind: Kind
    line: int
    column: int
    text: str  # the exact characters found (the command word, the variable name, the URL)
    replacement: str | None  # what a rename writes there; None when there is no exact rename

    def message(self, context: str) -> str:
        if self.kind is Kind.COMMAND:
            return (f"{context} calls the Platform.sh CLI (`{self.text}`): on Upsun the CLI is "
                    f"`upsun`, installed as {DOCS} says")
        if self.kind is Kind.TOKEN:
            return f"{context} uses PLATFORMSH_CLI_TOKEN: the Upsun CLI reads UPSUN_CLI_TOKEN"
        return (f"{context} installs the Platform.sh CLI ({self.text}): install the Upsun CLI "
                f"instead, as {DOCS} says")


#: `platform` as the command word: at a line's start or after a shell operator or keyword,
#: optionally behind a path (`$HOME/.platformsh/bin/platform`, `./bin/platform`).
_COMMAND = re.compile(
    r"(?:^|(?<=[;&|(`])|(?<=\$\()|(?<=\bthen)|(?<=\bdo)|(?<=\belse)|(?<=\bexec)|(?<=\bsudo))"
    r"(?P<space>\s*)(?P<word>(?:[\w$.~{}/-]*/)?platform)(?=[\s;|&)`]|$)")
_TOKEN = re.compile(r"\bPLATFORMSH_CLI_TOKEN\b")
#: A download of one of the Platform.sh CLI's installers (`facts.PLATFORMSH_CLI_INSTALLERS`);
#: the second one installs `upsun` when it runs with VENDOR=upsun, so that form is not a use.
_INSTALLER = re.compile(
    r"https?://platform\.sh/cli/installer\b\S*"
    r"|https://raw\.githubusercontent\.com/platformsh/cli/main/installer\.sh"
    r"(?![^;&|]*\|\s*VENDOR=upsun\b)\S*")
#: The whole line each installer was published with (curl's short options may vary): a use of
#: this form has an exact replacement, the line Upsun's docs install the Upsun CLI with.
_INSTALL_LINE = re.compile(
    r"curl(?:\s+-[A-Za-z]+)*\s+(?:https?://platform\.sh/cli/installer\s*\|\s*php"
    r"|https://raw\.githubusercontent\.com/platformsh/cli/main/installer\.sh"
    r"\s*\|\s*bash)(?=\s*(?:$|[;&|#]))")


def uses(command: str) -> list[Use]:
    """Every use in a shell command's text, in order."""
    found: list[Use] = []
    if "platform" not in command and "PLATFORMSH_CLI_TOKEN" not in command:
        return found  # what all three patterns need: most commands have neither
    for number, line in enumerate(command.split("\n")):
        if line.lstrip().startswith("#"):
            continue
        for match in _COMMAND.finditer(line):
            word = match["word"]  # a path to the binary has no exact Upsun counterpart
            found.append(Use(Kind.COMMAND, number, match.start("word"), word,
                             "upsun" if word == "platform" else None))
        found += [Use(Kind.TOKEN, number, m.start(), m.group(), "UPSUN_CLI_TOKEN")
                  for m in _TOKEN.finditer(line)]
        found += [_installer(line, number, m) for m in _INSTALLER.finditer(line)]
    return sorted(found, key=lambda use: (use.line, use.column))


def _installer(line: str, number: int, url: re.Match[str]) -> Use:
    """The download of an installer: the whole published install line, replaceable by Upsun's,
    when the URL stands in one; else the URL alone, with no replacement."""
    for whole in _INSTALL_LINE.finditer(line):
        if whole.start() <= url.start() < whole.end():
            return Use(Kind.INSTALLER, number, whole.start(), whole.group(),
                       facts.UPSUN_CLI_INSTALL.value)
    return Use(Kind.INSTALLER, number, url.start(), url.group(), None)
