"""The bound on what aliases add applies to every document the run reads, before anything
walks it (issue 23, item 8): an alias bomb in an `!include`d file ran for over a minute.
The schema check's reading of includes is bounded too (an include repeated by aliases), and
an include that includes itself is refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.errors import ExpansionError
from migrator.yamltext.parse import parse
from tests.conftest import METADATA_ARGS, run, write_files

APP = "name: app\ntype: 'php:8.4'\n"


def _bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]"
              for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_a_bomb_is_refused_while_it_is_read() -> None:
    with pytest.raises(ExpansionError) as refused:
        parse(_bomb(9), "f.yaml")
    assert str(refused.value) == ("f.yaml:6: a5: aliases expand to more than 200,000 values; "
                                  "refused")


def test_the_proof_reads_the_output_unbounded() -> None:
    """The output joins bounded documents; it is not refused for their sum."""
    text = "\n".join(f"k{n}: &k{n} [" + ", ".join(["x"] * 400) + "]\n"
                     + "\n".join(f"k{n}_{m}: *k{n}" for m in range(150)) for n in range(4))
    assert parse(text, "out", bounded=False).root is not None
    with pytest.raises(ExpansionError):
        parse(text, "f")


@pytest.mark.parametrize("schema", [True, False])
def test_a_bomb_in_an_included_file_is_refused(project: Path, schema: bool) -> None:
    write_files(project, {".platform.app.yaml": APP, ".platform/bomb.yaml": _bomb(9),
                          ".platform/services.yaml": (
                              "db:\n  type: mariadb:11.4\n  configuration: !include bomb.yaml\n")})
    result = run("migrate", project, *(METADATA_ARGS if schema else ()))
    assert (result.exit_code, result.stderr) == (
        1, "error: .platform/bomb.yaml:6: a5: aliases expand to more than 200,000 values; "
           "refused\n")


def test_an_include_repeated_by_aliases_counts_each_time(project: Path) -> None:
    big = "\n".join(f"k{i}: v" for i in range(2000)) + "\n"
    many = "a: &a {k: !include big.yaml}\n" + "".join(f"b{i}: *a\n" for i in range(300))
    write_files(project, {".platform.app.yaml": APP, ".platform/big.yaml": big,
                          ".platform/many.yaml": many, ".platform/services.yaml": (
                              "db:\n  type: mariadb:11.4\n  configuration: !include many.yaml\n")})
    result = run("migrate", project, *METADATA_ARGS)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: .platform/services.yaml:3: services.db."
                                    "configuration.b")
    assert result.stderr.endswith(": aliases expand to more than 200,000 values; refused\n")


def test_an_include_that_includes_itself_is_refused(project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP, ".platform/a.yaml": "x: !include b.yaml\n",
                          ".platform/b.yaml": "y: !include a.yaml\n",
                          ".platform/services.yaml": (
                              "db:\n  type: mariadb:11.4\n  configuration: !include a.yaml\n")})
    result = run("migrate", project, *METADATA_ARGS)
    assert (result.exit_code, result.stderr) == (
        1, "error: .platform/a.yaml: !include b.yaml includes itself (b.yaml -> a.yaml -> "
           "b.yaml)\n")
