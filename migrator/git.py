"""Every git command the tool runs goes through `Git.run`: nothing a repository names runs.

A repository may arrive with its own `.git` (an archive of a client's project, a shared drive),
and git's documentation is plain about it: "it is not safe to run Git commands in a `.git`
directory (or the working tree that surrounds it) when that `.git` directory itself comes from
an untrusted source. The commands in its config and hooks are executed in the usual way"
(git/git `Documentation/git.adoc`, section SECURITY, tag v2.55.0). So each command runs with
every setting that makes git run a command turned off, whichever configuration file sets it:
the tool needs none of them. From git's documentation (git/git tag v2.55.0, `Documentation/`):

- `core.fsmonitor` (`config/core.adoc`: "the pathname of the 'fsmonitor' hook command"), run by
  every command that reads the index, `check-ignore` and `status` included: `false`.
- Hooks (`githooks.adoc`), run by `status` and `add` (post-index-change), `switch`
  (post-checkout, reference-transaction) and `commit`: `core.hooksPath=/dev/null`
  (`config/core.adoc`: "You can also disable all hooks entirely by setting `core.hooksPath` to
  `/dev/null`"), and `hook.<event>.enabled=false` for every event, since hooks configured with
  `hook.<name>.command` (`config/hook.adoc`) are not looked for in the hooks folder. Only the
  `git commit` of `--commit` may run hooks (`hooks=True`, see gitcommit.py).
- Clean, smudge and process filters (`gitattributes.adoc`, "filter"): a `.gitattributes` of the
  repository picks a driver, a configuration file names its commands, and `status`, `add`,
  `switch` and `commit` run them. Every configured driver gets empty commands, which git reads as
  no filter (`convert.c` `apply_filter` runs a command only when it is not empty), and
  `required=false`; unless the user allows filters (`--git-filters`).
- Transports: `core.sshCommand`, `core.gitProxy`, `credential.helper`, `core.askPass`, remote
  helpers and the lazy fetch of a partial clone run only to reach a remote, and no command of
  ours needs one: `GIT_ALLOW_PROTOCOL` empty (`git.adoc`: "behave as if `protocol.allow` is set to
  `never`" but for the protocols listed: none), `GIT_NO_LAZY_FETCH=1`, `GIT_TERMINAL_PROMPT=0`.
- The pager (`core.pager`, `pager.<command>`): `--no-pager`.
- The editor (`core.editor`, `sequence.editor`): no command of ours opens one (the commit message
  is given with `--file`); `GIT_EDITOR=false` makes git fail rather than run one.
- A bare repository git finds by itself (a folder of the project that is one, with its own
  configuration): `safe.bareRepository=explicit` (`config/safe.adoc`; read from the command line,
  which is protected configuration).

Diff drivers (`diff.external`, `diff.<driver>.command`, `textconv`) and merge drivers are not
reached: the one diff the tool runs is `--no-ext-diff --no-textconv`, and it merges nothing.
Commit signing (`gpg.program`) is the business of `git commit` alone: see gitcommit.py.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from migrator.errors import MigratorError

#: Hook events, as `Documentation/githooks.adoc` lists them (git/git v2.55.0).
HOOK_EVENTS = (
    "applypatch-msg", "pre-applypatch", "post-applypatch", "pre-commit", "pre-merge-commit",
    "prepare-commit-msg", "commit-msg", "post-commit", "pre-rebase", "post-checkout",
    "post-merge", "pre-push", "pre-receive", "update", "proc-receive", "post-receive",
    "post-update", "reference-transaction", "push-to-checkout", "pre-auto-gc", "post-rewrite",
    "sendemail-validate", "fsmonitor-watchman", "p4-changelist", "p4-prepare-changelist",
    "p4-post-changelist", "p4-pre-submit", "post-index-change")
ALWAYS_OFF = ("core.fsmonitor=false", "safe.bareRepository=explicit")
HOOKS_OFF = ("core.hooksPath=/dev/null", *(f"hook.{event}.enabled=false" for event in HOOK_EVENTS))
ENVIRONMENT = {"GIT_ALLOW_PROTOCOL": "", "GIT_NO_LAZY_FETCH": "1", "GIT_TERMINAL_PROMPT": "0",
               "GIT_EDITOR": "false"}
FILTER_KEY = re.compile(r"^filter\.(.+)\.(clean|smudge|process)$")
TIMEOUT = 120.0


class GitError(MigratorError):
    """git could not be run, or cannot be run safely here."""


@dataclass
class Git:
    """git in one folder (`None`: the current one), with what runs commands turned off."""

    repo: Path | None
    filters: bool = False  # let git run the filters the repository names (`--git-filters`)
    timeout: float = TIMEOUT
    _drivers: dict[str, bool] | None = field(default=None, repr=False)

    def run(self, *args: str, stdin: str | None = None, hooks: bool = False
            ) -> subprocess.CompletedProcess[str]:
        """The finished command (whatever its exit code); GitError when git cannot run."""
        settings = [*ALWAYS_OFF, *(() if hooks else HOOKS_OFF)]
        if not self.filters:
            settings += filters_off(self.drivers())
        return self._git([option for s in settings for option in ("-c", s)], args, stdin)

    def drivers(self) -> dict[str, bool]:
        """Each filter driver the configuration defines, and whether it names a command."""
        if self._drivers is None:
            listed = self._git([option for s in (*ALWAYS_OFF, *HOOKS_OFF) for option in ("-c", s)],
                               ("config", "--null", "--get-regexp", r"^filter\."), None)
            if listed.returncode not in (0, 1):  # 1: no filter is defined
                raise GitError(f"cannot read the git configuration: {reason(listed)}",
                               str(self.repo or "."))
            self._drivers = parse_drivers(listed.stdout)
        return self._drivers

    def _git(self, settings: list[str], args: tuple[str, ...], stdin: str | None
             ) -> subprocess.CompletedProcess[str]:
        where = [] if self.repo is None else ["-C", str(self.repo)]
        command = ["git", "--no-pager", *where, *settings, *args]
        try:  # bytes: text mode would turn a carriage return in a path into a newline
            done = subprocess.run(command, input=None if stdin is None else _encode(stdin),
                                  capture_output=True, timeout=self.timeout, check=False,
                                  env={**os.environ, **ENVIRONMENT})
        except (OSError, subprocess.SubprocessError) as exc:
            raise GitError(f"cannot run git: {exc}", str(self.repo or ".")) from None
        return subprocess.CompletedProcess(command, done.returncode, _decode(done.stdout),
                                           _decode(done.stderr))


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def parse_drivers(listing: str) -> dict[str, bool]:
    """`git config --null --get-regexp` output -> {driver: names a command (the last value)}."""
    drivers: dict[str, bool] = {}
    for entry in listing.split("\0"):
        key, _, value = entry.partition("\n")
        match = FILTER_KEY.match(key)
        if match:
            drivers[match[1]] = drivers.get(match[1], False) or bool(value)
    return drivers


def filters_off(drivers: dict[str, bool]) -> list[str]:
    """The settings that make every driver no filter. git splits `-c NAME=VALUE` at its first
    `=`, so a driver named with one cannot be turned off: refused (GitError) rather than run."""
    named = [name for name in sorted(drivers) if "=" in name]
    if named:
        raise GitError(f"the git configuration defines the filter driver {named[0]!r}, whose "
                       "name holds `=`: it cannot be turned off, so git is not run")
    return [f"filter.{name}.{key}" for name in sorted(drivers)
            for key in ("clean=", "smudge=", "process=", "required=false")]


def reason(done: subprocess.CompletedProcess[str]) -> str:
    """What git said (stderr, else stdout), whole, on one line: its lines joined with ` / `
    (a message shows it through `escape.terminal`, as every error: a hook of the repository
    writes what it wants)."""
    lines = (done.stderr.strip() or done.stdout.strip()).splitlines()
    said = " / ".join(line.strip() for line in lines if line.strip())
    return said or f"exit code {done.returncode}"
