"""Nesting a file under a key: every non-empty line gets one uniform prefix, so block scalars,
multi-line scalars, comments and their columns stay exact."""

from __future__ import annotations

from migrator.yamltext.document import Document
from migrator.yamltext.nodes import Mapping, Node, Sequence, resolve

DEFAULT_UNIT = 2


def prefix(text: str, pad: int) -> str:
    """`pad` spaces before every line that is not empty."""
    if not pad:
        return text
    spaces = " " * pad
    return "".join(spaces + line if line not in ("\n", "") else line
                   for line in text.splitlines(keepends=True))


def unit(doc: Document, node: Node | None = None) -> int:
    """The file's indentation unit: how far its first nested block collection is indented."""
    start = resolve(node) if node is not None else doc.root
    stack = [start] if start is not None else []
    while stack:
        current = stack.pop(0)
        if isinstance(current, Mapping) and not current.flow:
            column = doc.column(current.pairs[0][0].start) if current.pairs else 0
            for _, value in current.pairs:
                child = resolve(value)
                if isinstance(child, (Mapping, Sequence)) and not child.flow:
                    step = _first_column(doc, child) - column
                    if step > 0:
                        return step
                    stack.append(child)
        elif isinstance(current, Sequence) and not current.flow:
            stack += [resolve(item) for item in current.items]
    return DEFAULT_UNIT


def _first_column(doc: Document, node: Mapping | Sequence) -> int:
    if isinstance(node, Mapping):
        return doc.column(node.pairs[0][0].start) if node.pairs else doc.column(node.start)
    return doc.column(node.start)
