"""Fidelity census over the corpus and the fixtures: every comment of a migrated file reaches
the output, and the lines no rule edits come through byte for byte apart from the nesting
prefix. The figures are printed (`pytest -s`) for docs/performance.md.

Before the engine (ruamel.yaml round trip): 97.2% of comments, 98.7% of untouched lines.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from migrator.errors import MigratorError
from migrator.legacy.discovery import load_project
from migrator.migration.assemble import assemble
from migrator.model import Settings
from migrator.rules import RULES
from migrator.rules.context import MigrationContext
from migrator.yamltext.edits import comments
from migrator.yamltext.parse import parse
from tests.conftest import CORPUS, FIXTURE_NAMES, FIXTURES
from tests.test_corpus import IDS, INTENDED_FAILURES

ROOTS = [CORPUS / i for i in IDS if i not in INTENDED_FAILURES] + [FIXTURES / n
                                                                    for n in FIXTURE_NAMES]


def census(root: Path) -> tuple[int, int, int, int]:
    """(comments in, comments out, untouched lines in, untouched lines found verbatim)."""
    ctx = MigrationContext(load_project(root), Settings())
    for rule in RULES:
        rule.apply(ctx)
    output = assemble(ctx).replace("\r\n", "\n")
    found = Counter(c.text for c in comments(parse(output, "out")))
    wanted: Counter[str] = Counter()
    lines_in = lines_kept = 0
    out_lines = Counter(output.split("\n"))
    for source in ctx.project.sources.values():
        wanted.update(c.text for c in comments(source.doc))
        edited = ctx.editor(source).edited_lines()
        for number, line in enumerate(source.text.split("\n"), 1):
            if number in edited or not line.strip() or line.strip() == "---":
                continue
            lines_in += 1
            lines_kept += _take(out_lines, line)
    missing = wanted - found
    return sum(wanted.values()), sum(wanted.values()) - sum(missing.values()), lines_in, lines_kept


def _take(lines: Counter[str], line: str) -> int:
    for pad in range(0, 41):
        candidate = " " * pad + line
        if lines[candidate] > 0:
            lines[candidate] -= 1
            return 1
    return 0


def test_census_every_comment_and_the_untouched_lines_reach_the_output() -> None:
    totals = [0, 0, 0, 0]
    for root in ROOTS:
        try:
            figures = census(root)
        except MigratorError:
            continue
        assert figures[0] == figures[1], root  # 100% of comments, project by project
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
    print(f"\ncensus: {len(ROOTS)} projects; comments {totals[1]}/{totals[0]} "
          f"({100 * totals[1] / totals[0]:.2f}%); untouched lines {totals[3]}/{totals[2]} "
          f"({100 * totals[3] / totals[2]:.2f}%)")
    assert totals[0] > 5000
    assert totals[1] == totals[0]
    assert totals[3] / totals[2] >= 0.998
