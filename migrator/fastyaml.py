"""Faster drop-in parts for ruamel.yaml's round trip; same tokens, same trees, same text, less time.

ruamel.yaml's scanner reads one character per call and prepares the next token about a dozen
times per token; in a fleet run that was most of the time spent. These subclasses keep its
behaviour exactly (tests/test_fastyaml.py compares token streams, loaded documents and their dumps
with the stock classes on every corpus and fixture file) and only change how the work is done:

- the reader moves over a run of characters at once instead of one at a time;
- the scanner prepares the next token once, not once per question the parser asks about it;
- plain scalars in block context and comments are measured with one regular expression;
- the parser and the composer hold their neighbour instead of looking it up on every event;
- the representer gives nodes one shared Tag per tag name instead of a new one per node.

Anything outside those fast paths (streams that are not a string, flow context, YAML 1.1
documents) goes through ruamel.yaml's own code.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.parser import RoundTripParser
from ruamel.yaml.reader import Reader
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scanner import RoundTripScanner
from ruamel.yaml.tag import Tag
from ruamel.yaml.tokens import CommentToken, ScalarToken

#: Where a plain scalar's run of characters stops in block context (see Scanner.scan_plain).
_PLAIN_BLOCK_STOP = re.compile(r"[ \n\0\t\r\x85\u2028\u2029]|:(?=[ \n\0\t\r\x85\u2028\u2029])")
#: Where a comment's text stops (see Scanner.scan_to_next_token).
_COMMENT_STOP = re.compile("[\n\0\r\x85\u2028\u2029]")


class FastReader(Reader):
    def forward(self, length: int = 1) -> None:
        if self._stream is not None or self.raw_buffer is not None:
            super().forward(length)  # a stream read in chunks: ruamel's own bookkeeping
            return
        start = self.pointer
        chunk = self.buffer[start:start + length]
        if "\r" in chunk or "\ufeff" in chunk:
            super().forward(length)
            return
        self.pointer = start + length
        self.index += length
        breaks = chunk.count("\n")
        if breaks:
            self.line += breaks
            self.column = length - chunk.rfind("\n") - 1
        else:
            self.column += length


class FastScanner(RoundTripScanner):
    reader: Any = None  # a plain attribute instead of ruamel's lookup on every character

    def __init__(self, loader: Any = None) -> None:
        self.reader = loader.reader
        self._prepared_for = -1
        super().__init__(loader)

    def _prepared(self) -> bool:
        """True when the next token was already made ready and nothing has moved since."""
        tokens = self.tokens
        if (self._prepared_for != self.tokens_taken or len(tokens) < 2
                or isinstance(tokens[0], CommentToken)):
            return False
        if not self.done:
            self.stale_possible_simple_keys()  # ruamel.yaml checks this on every call; may raise
        return True

    # check_token, peek_token and get_token each run `while need_more_tokens(): fetch` and then
    # `_gather_comments()`; once that has been done for a token, doing it again changes nothing.
    def _prepare(self) -> None:
        if not self._prepared():
            while super().need_more_tokens():
                self.fetch_more_tokens()
            super()._gather_comments()
            self._prepared_for = self.tokens_taken

    def need_more_tokens(self) -> bool:
        return not self._prepared() and super().need_more_tokens()

    def _gather_comments(self) -> Any:
        if not self._prepared():
            super()._gather_comments()
            self._prepared_for = self.tokens_taken

    def check_token(self, *choices: Any) -> bool:
        self._prepare()
        if not self.tokens:
            return False
        return not choices or isinstance(self.tokens[0], choices)

    def peek_token(self) -> Any:
        self._prepare()
        return self.tokens[0] if self.tokens else None

    def scan_to_next_token(self) -> Any:
        reader = self.reader
        if self.flow_level or reader._stream is not None or reader.raw_buffer is not None:
            return super().scan_to_next_token()
        buffer = reader.buffer
        if reader.index == 0 and buffer[reader.pointer] == "\ufeff":
            reader.forward()
        while True:
            start = reader.pointer
            end = start
            while buffer[end] == " ":
                end += 1
            if end != start:
                reader.forward(end - start)
            if buffer[end] == "#":
                start_mark = reader.get_mark()
                stop = _COMMENT_STOP.search(buffer, end + 1)
                assert stop is not None  # the buffer ends with "\0"
                if buffer[stop.start()] == "\0":  # keep the end-of-stream character
                    comment = buffer[end:stop.start()] + "\n"
                    reader.forward(stop.start() - end)
                else:
                    comment = buffer[end:stop.end()]
                    reader.forward(stop.end() - end)
                line_break = self.scan_line_break()
                while line_break:
                    comment += line_break
                    line_break = self.scan_line_break()
                self.allow_simple_key = True
                return comment, start_mark, reader.get_mark()
            if self.scan_line_break() == "":
                return None
            self.allow_simple_key = True
            if buffer[reader.pointer] == "\n":  # empty lines at the top level
                start_mark = reader.get_mark()
                comment = ""
                line_break = "\n"
                while line_break:
                    line_break = self.scan_line_break(empty_line=True)
                    comment += line_break
                if buffer[reader.pointer] == "#":  # an empty line, then an indented comment
                    comment = comment.rsplit("\n", 1)[0] + "\n"
                return comment, start_mark, reader.get_mark()

    def scan_plain(self) -> Any:
        reader = self.reader
        if (self.flow_level or reader._stream is not None or reader.raw_buffer is not None
                or self.scanner_processing_version == (1, 1)):
            return super().scan_plain()
        buffer = reader.buffer
        chunks: list[str] = []
        start_mark = reader.get_mark()
        end_mark = start_mark
        indent = self.indent + 1
        spaces: list[str] | None = []
        while True:
            if buffer[reader.pointer] == "#":
                break
            stop = _PLAIN_BLOCK_STOP.search(buffer, reader.pointer)
            assert stop is not None  # the buffer ends with "\0"
            length = stop.start() - reader.pointer
            if length == 0:
                break
            self.allow_simple_key = False
            chunks.extend(spaces or ())
            chunks.append(buffer[reader.pointer:stop.start()])
            reader.forward(length)
            end_mark = reader.get_mark()
            spaces = self.scan_plain_spaces(indent, start_mark)
            if not spaces or buffer[reader.pointer] == "#" or reader.column < indent:
                break
        token = ScalarToken("".join(chunks), True, start_mark, end_mark)
        if spaces and spaces[0] == "\n":  # keep the trailing line breaks, as ruamel.yaml does
            token.add_post_comment(CommentToken("".join(spaces) + "\n", start_mark, end_mark))
        return token


class FastParser(RoundTripParser):
    scanner: Any = None

    def __init__(self, loader: Any) -> None:
        super().__init__(loader)
        self.scanner = loader.scanner


class FastComposer(Composer):
    parser: Any = None

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.parser = loader.parser


class FastRepresenter(RoundTripRepresenter):
    """Nodes share one Tag per tag name: a new Tag decodes its name again, for every node."""

    _tags: ClassVar[dict[str, Tag]] = {}  # shared by every instance in the process

    def _tag(self, tag: Any) -> Any:
        if isinstance(tag, str):
            shared = self._tags.get(tag)
            if shared is None:
                shared = self._tags[tag] = Tag(suffix=tag)
            return shared
        return tag

    def represent_scalar(self, tag: Any, value: Any, style: Any = None,
                         anchor: Any = None) -> Any:
        return super().represent_scalar(self._tag(tag), value, style, anchor)

    def represent_sequence(self, tag: Any, sequence: Any, flow_style: Any = None) -> Any:
        return super().represent_sequence(self._tag(tag), sequence, flow_style)

    def represent_mapping(self, tag: Any, mapping: Any, flow_style: Any = None) -> Any:
        return super().represent_mapping(self._tag(tag), mapping, flow_style)


def install(yaml: YAML) -> YAML:
    """Use the fast parts in a round-trip YAML instance."""
    if getattr(yaml, "comment_handling", None) is not None:
        return yaml  # ruamel.yaml's newer comment handling scans differently: leave it alone
    yaml.Reader = FastReader
    yaml.Scanner = FastScanner
    yaml.Parser = FastParser
    yaml.Composer = FastComposer
    yaml.Representer = FastRepresenter
    return yaml
