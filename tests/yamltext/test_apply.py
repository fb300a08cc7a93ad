"""Applying edits (issue 23, item 14): in one pass, as the text is joined once (it was rebuilt
once per edit: quadratic in the number of edits); copies of spans carry the edits made in
them; an edit inside a replaced span is moot; overlaps are conflicts.
tests/benchmarks/bench_linear.py measures the time per MB.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrator.yamltext.edits import Copy, Edit, EditConflict, apply, shifted

TEXT = "abcdefghij\nklmnopqrst\nuvwxyz\n"


def _naive(text: str, edits: list[Edit]) -> str:
    """The former way: apply each edit to the whole text, from the last."""
    for edit in sorted(set(edits), key=lambda e: (e.start, e.end), reverse=True):
        assert isinstance(edit.text, str)
        text = text[:edit.start] + edit.text + text[edit.end:]
    return text


@st.composite
def disjoint_edits(draw: st.DrawFn) -> list[Edit]:
    cuts = sorted(draw(st.lists(st.integers(0, len(TEXT)), max_size=12, unique=True)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        if draw(st.booleans()):
            end = start  # an insertion
        edits.append(Edit(start, end, draw(st.text(alphabet="XYZ\n ", max_size=4))))
    return edits


@given(disjoint_edits())
def test_one_pass_gives_what_edits_one_by_one_gave(edits: list[Edit]) -> None:
    assert apply(TEXT, edits) == _naive(TEXT, edits)


def test_a_copy_carries_the_edits_inside_it() -> None:
    edits = [Edit(1, 2, "B"), Edit(11, 11, (Copy(0, 4), "-"))]
    assert apply(TEXT, edits) == "aBcdefghij\naBcd-klmnopqrst\nuvwxyz\n"


def test_an_edit_inside_a_replaced_span_is_moot_unless_copied() -> None:
    assert apply(TEXT, [Edit(0, 10, "gone"), Edit(2, 3, "C")]) == "gone\nklmnopqrst\nuvwxyz\n"
    moved = [Edit(0, 11, ""), Edit(2, 3, "C"), Edit(22, 22, (Copy(0, 10),))]
    assert apply(TEXT, moved) == "klmnopqrst\nabCdefghijuvwxyz\n"


def test_a_copy_leaves_out_the_edit_that_copies_it() -> None:
    """The span an edit replaces by a copy of itself, re-indented (UPS009)."""
    text = "a: |\n  x\n  y\n"
    assert apply(text, [Edit(3, 12, (Copy(3, 12, 2),))]) == "a: |\n    x\n    y\n"


@pytest.mark.parametrize("edits", [
    [Edit(0, 5, "x"), Edit(3, 8, "y")],  # overlapping
    [Edit(0, 5, "x"), Edit(0, 5, "y")],  # one span, two texts
    [Edit(4, 4, "x"), Edit(4, 4, "y")],  # two insertions at one offset (merge them first)
    [Edit(0, 3, "x"), Edit(11, 11, (Copy(2, 6),))],  # a copy across an edit's end
])
def test_overlaps_are_conflicts(edits: list[Edit]) -> None:
    with pytest.raises(EditConflict):
        apply(TEXT, edits)


def test_shifted_moves_lines_but_takes_only_spaces() -> None:
    assert shifted("a\n  b\n\n c", 2) == "a\n    b\n\n   c"
    assert shifted("a\n    b\n #c\nd", -2) == "a\n  b\n#c\nd"
    assert shifted("  a\n  b\n", -2, whole_lines=True) == "a\nb\n"
