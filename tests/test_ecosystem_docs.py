"""docs/ecosystem.md: its YAML parses, its commands parse, its examples are what the tool prints."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
from ruamel.yaml import YAML

from migrator.cli import COMMANDS, group
from tests.conftest import METADATA_ARGS, REPO, run, write_files
from tests.test_annotations import RETIRED
from tests.test_precommit import _status

DOC = (REPO / "docs" / "ecosystem.md").read_text(encoding="utf-8")
FENCED = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
COMMAND = re.compile(r"upsun-migrator\s+(?:migrate|validate|bulk|codemod)\b[^\"\n#;&|]*")
#: A shell word made of variables (`"$REPORTS/$REPOSITORY.md"`): one value when the line runs
QUOTED_VARIABLE = re.compile(r'"\$[^"\n]*"')


def _blocks(language: str) -> list[str]:
    return [body for lang, body in FENCED.findall(DOC) if lang == language]


def _yaml_blocks() -> list[Any]:
    return [YAML(typ="safe").load(body) for body in _blocks("yaml")]


def _workflows() -> list[dict[str, Any]]:
    return [doc for doc in _yaml_blocks() if "jobs" in doc]


def _commands() -> list[str]:
    """Every upsun-migrator command line: in shell blocks and in the workflows' `run` steps."""
    texts = [line for body in _blocks("sh") for line in body.replace("\\\n", " ").splitlines()]
    texts += [step["run"] for workflow in _workflows() for job in workflow["jobs"].values()
              for step in job["steps"] if "run" in step]
    texts = [QUOTED_VARIABLE.sub("value", text) for text in texts]
    return [match.replace("${{ matrix.shard }}", "1").strip()
            for text in texts for match in COMMAND.findall(text)]


def test_the_page_is_linked_from_the_readme() -> None:
    assert "(docs/ecosystem.md)" in (REPO / "README.md").read_text(encoding="utf-8")


def test_yaml_blocks_parse_and_workflows_have_steps() -> None:
    assert len(_yaml_blocks()) == 3
    workflows = _workflows()
    assert [w["name"] for w in workflows] == ["upsun", "upsun-fleet"]
    for workflow in workflows:
        for job in workflow["jobs"].values():
            assert job["runs-on"] == "ubuntu-latest" and job["steps"][0]["uses"] == \
                "actions/checkout@v4"


def test_the_matrix_covers_every_shard() -> None:
    job = _workflows()[1]["jobs"]["migrate"]
    shards = job["strategy"]["matrix"]["shard"]
    runs = " ".join(step.get("run", "") for step in job["steps"])
    found = re.search(r"--shard \$\{\{ matrix\.shard \}\}/(\d+)", runs)
    assert found is not None
    assert shards == list(range(1, int(found.group(1)) + 1))


def test_every_command_parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    commands = _commands()
    assert len(commands) == 9, commands
    for line in commands:
        words = shlex.split(line)[1:]
        assert words[0] in COMMANDS, line
        command = group.get_command(click.Context(group), words[0])
        assert command is not None
        try:  # parsing converts and checks every value, as a run would
            command.make_context(words[0], words[1:])
        except click.ClickException as exc:  # pragma: no cover - the message says why
            pytest.fail(f"{line}: {exc.format_message()}")


def test_pre_commit_snippet_names_the_shipped_hooks() -> None:
    shipped = [hook["id"] for hook in YAML(typ="safe").load(
        (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))]
    config = next(doc for doc in _yaml_blocks() if "repos" in doc)
    assert [hook["id"] for hook in config["repos"][0]["hooks"]] == shipped


def test_the_pinned_rev_is_a_commit_of_this_repository() -> None:
    """No release tag exists yet: `rev` is a full commit SHA, one this repository holds."""
    import subprocess

    config = next(doc for doc in _yaml_blocks() if "repos" in doc)
    rev = config["repos"][0]["rev"]
    assert re.fullmatch(r"[0-9a-f]{40}", rev), rev
    shallow = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--is-shallow-repository"],
                             capture_output=True, text=True, check=False)
    if shallow.stdout.strip() != "false":
        pytest.skip("not a whole git checkout: the commit cannot be looked up")
    found = subprocess.run(["git", "-C", str(REPO), "cat-file", "-t", rev], capture_output=True,
                           text=True, check=False)
    assert (found.returncode, found.stdout) == (0, "commit\n"), found.stderr


def test_shown_outputs_are_what_the_tool_prints(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_files(tmp_path, RETIRED)
    annotations = run("migrate", "--dry-run", "--output-format", "github", ".",
                      *METADATA_ARGS).stdout
    assert "shows on the pull request, next to the line. For a\nrepository on `php:7.4` and " \
        "`mariadb:10.4`, `upsun-migrator migrate --dry-run --output-format\ngithub .` prints " \
        "on stdout:\n\n" + "".join(f"    {line}\n" for line in annotations.splitlines()) + \
        "\nSeverity" in DOC
    check = run("migrate", "--check", ".")
    hook = _status("upsun-migrator check", "Failed") + "- hook id: upsun-migrator-check\n" \
        "- exit code: 1\n\n" + check.stdout + check.stderr
    assert "".join(f"    {line}\n" if line else "\n" for line in hook.splitlines()) in DOC
