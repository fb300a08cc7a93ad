"""Merges that are legal YAML (issue 23, item 3): `<<: *a`, `<<: [*a, *b]`, `!!merge <<`,
chains and diamonds read as YAML's merge key says (checked against ruamel.yaml's constructor,
which implements it; PyYAML's reads a mapping that merges one that overrides a key of its
own merge with the overridden value), in time linear in what they expand to, without
recursion.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from migrator.migration.pipeline import migrate
from migrator.model import Settings
from migrator.yamltext.nodes import to_data
from migrator.yamltext.parse import parse
from tests.conftest import run, write_files

APP = "name: app\ntype: 'php:8.4'\n"


@st.composite
def merge_documents(draw: st.DrawFn) -> str:
    """Mappings m0..mn, each with own keys and `<<` of earlier ones (one, a list, or an
    explicit `!!merge`), in block or flow style."""
    lines = []
    for index in range(draw(st.integers(1, 8))):
        own = draw(st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 9), max_size=3))
        sources = draw(st.lists(st.integers(0, index - 1), max_size=3, unique=True)) \
            if index else []
        parts = [f"{k}: {v}" for k, v in own.items()]
        if sources:
            aliases = [f"*m{s}" for s in sources]
            key = draw(st.sampled_from(["<<", "!!merge <<"]))
            merged = aliases[0] if len(aliases) == 1 and draw(st.booleans()) \
                else "[" + ", ".join(aliases) + "]"
            parts.insert(draw(st.integers(0, len(parts))), f"{key}: {merged}")
        if draw(st.booleans()) or not parts:
            lines.append(f"m{index}: &m{index} {{{', '.join(parts)}}}")
        else:
            lines.append(f"m{index}: &m{index}")
            lines += [f"  {part}" for part in parts]
    return "\n".join(lines) + "\n"


@given(merge_documents())
def test_merges_read_as_yaml_says(document: str) -> None:
    theirs = YAML(typ="safe", pure=True).load(document)
    ours = to_data(parse(document, "f").root)
    assert ours == theirs  # (not the order of keys, which YAML leaves open)


def test_an_explicit_merge_tag_keeps_the_merged_values(project: Path) -> None:
    """Was: `!!merge <<` read as an unknown key `<<` and removed by UPS011, silently."""
    write_files(project, {".platform.app.yaml": APP + (
        "relationships: &r\n  db: 'db:mysql'\nworkers:\n  w:\n    commands: {start: run}\n"
        "    !!merge <<: {relationships: *r}\n"),
        ".platform/services.yaml": "db:\n  type: mariadb:11.4\n"})
    config = migrate(project, Settings()).config_text
    assert config.split("workers:\n")[1].startswith(
        "      w:\n        commands: {start: run}\n        <<: {relationships: *r}\n")


def test_a_chain_of_900_merges_migrates(project: Path) -> None:
    """Was a RecursionError (and 28 merges took 18 s): each mapping's merged keys are
    indexed once, when it is read."""
    lines = ["workers:", "  w0: &w0", "    commands: {start: run}", "    size: S"]
    for i in range(1, 900):
        lines += [f"  w{i}: &w{i}", f"    <<: *w{i - 1}", f"    variables: {{env: {{K: v{i}}}}}"]
    write_files(project, {".platform.app.yaml": APP + "\n".join(lines) + "\n"})
    result = migrate(project, Settings())
    assert len(result.workers) == 900
    assert result.config_text.endswith(
        "        # resources: upsun resources:set --size app--w899:0.5 (legacy size: S, 0.40 CPU / 128 MB)\n"
        "        <<: *w898\n        variables: {env: {K: v899}}\n")


def test_merges_that_expand_past_the_bound_are_refused(project: Path) -> None:
    """Each level merges the last and adds a key: 900 levels hold 405,450 values."""
    lines = ["variables:", "  env:", "    m0: &m0", "      k0: v"]
    for i in range(1, 900):
        lines += [f"    m{i}: &m{i}", f"      <<: *m{i - 1}", f"      k{i}: v"]
    write_files(project, {".platform.app.yaml": APP + "\n".join(lines) + "\n"})
    result = run("migrate", project)
    assert (result.exit_code, result.stderr) == (
        1, "error: .platform.app.yaml:5: variables.env: aliases expand to more than 200,000 "
           "values; refused\n")
