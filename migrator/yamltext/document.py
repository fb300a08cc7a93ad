"""One parsed file: its text, its node tree and where its lines start, with what the parser and
the editor learn of it."""

from __future__ import annotations

from bisect import bisect_right

from migrator.yamltext.nodes import Alias, Node


class Document:
    """One parsed file: its text, its root node and where its lines start; whether it holds an
    alias (`*name`) and a Platform.sh tag (`!include`, `!archive`), so that the walks looking
    for them can be skipped when there is none; its anchors and aliases; the spans of its
    explicit markers (directives and `---`, and `...`), its `%YAML` version and `%TAG`
    handles. What the editor derives from the tree is kept here once computed: the spans of
    the scalars (`edits.scalar_spans`) and each node's parent (`edits.parent_of`)."""

    __slots__ = ("file", "text", "root", "line_starts", "aliased", "tagged", "start_marker",
                 "end_marker", "version", "handles", "merge_tags", "anchors", "aliases", "nodes",
                 "spans", "parents")

    def __init__(self, file: str, text: str, root: Node | None, line_starts: list[int]) -> None:
        self.file, self.text, self.root = file, text, root
        self.line_starts = line_starts
        self.aliased = self.tagged = False
        self.start_marker: tuple[int, int] | None = None  # directives through `---`
        self.end_marker: tuple[int, int] | None = None  # `...`
        self.version: tuple[int, ...] | None = None
        self.handles: dict[str, str] = {}  # `%TAG` handle -> prefix
        self.merge_tags = False  # a `!!merge <<` key
        self.anchors: dict[str, Node] = {}
        self.aliases: list[Alias] = []  # in document order
        self.nodes = 0  # written in the text, keys included
        self.spans: tuple[list[int], list[tuple[int, int]]] | None = None
        self.parents: dict[Node, Node] | None = None

    def line(self, offset: int) -> int:
        """1-based line of an offset."""
        return bisect_right(self.line_starts, offset)

    def column(self, offset: int) -> int:
        """0-based column of an offset."""
        return offset - self.line_starts[self.line(offset) - 1]
