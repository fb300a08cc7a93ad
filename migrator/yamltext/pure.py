"""ruamel.yaml's pure-Python parser, reading what libyaml reads: the fallback where ruamel.yaml's
C parser (`ruamel.yaml.clib`, libyaml) is not installed, or `UPSUN_MIGRATOR_YAML=pure`.

Over the corpus the pure-Python parser emits libyaml's events with libyaml's marks but in two
places, where it departs from libyaml and from the YAML specification; each is read here as
libyaml reads it (`tests/yamltext/test_parsers.py` pins both):

- a block scalar whose leading empty line holds fewer spaces than a later leading empty line
  ("more indented follow up line than first in a block scalar"): the specification only forbids
  leading empty lines holding more spaces than the first line of text, libyaml reads it, and so
  does Platform.sh (keycloak's `start: |` followed by a line of 11 spaces, then text at 12);
- the empty value of a block mapping key with nothing after its `:` but comments: the pure
  parser places it at the next key, libyaml right after the `:` (where the engine writes a value
  it adds).
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.docinfo import DocInfo
from ruamel.yaml.events import DocumentStartEvent
from ruamel.yaml.parser import Parser
from ruamel.yaml.reader import Reader
from ruamel.yaml.scanner import Scanner
from ruamel.yaml.tokens import BlockEndToken, DocumentEndToken, KeyToken, ValueToken

_LINE_BREAKS = "\r\n\x85\u2028\u2029"


class LibyamlScanner(Scanner):
    def scan_block_scalar_indentation(self) -> Any:
        """The spaces and line breaks before a block scalar's first line of text: its line
        breaks, the widest of those lines (the indentation when none is given) and the mark
        after the last break (libyaml's `yaml_parser_scan_block_scalar_breaks`)."""
        reader = self.reader
        chunks, max_indent, end_mark = [], 0, reader.get_mark()
        while reader.peek() in " " + _LINE_BREAKS:
            if reader.peek() != " ":
                chunks.append(self.scan_line_break())
                end_mark = reader.get_mark()
            else:
                reader.forward()
                max_indent = max(max_indent, reader.column)
        return chunks, max_indent, end_mark


class LibyamlParser(Parser):
    def parse_document_start(self) -> Any:
        """An explicit document starts at its first directive, else at its `---` (libyaml's
        mark; the pure parser's is always the `---`)."""
        while self.scanner.check_token(DocumentEndToken):
            self.scanner.get_token()
        start_mark = self.scanner.peek_token().start_mark
        event = super().parse_document_start()
        if isinstance(event, DocumentStartEvent):
            event.start_mark = start_mark
        return event

    def parse_block_mapping_value(self) -> Any:
        """A block mapping's value; an empty one is placed right after its `:` or, with no
        `:`, at the next token (libyaml's `yaml_parser_parse_block_mapping_value`)."""
        scanner = self.scanner
        if scanner.check_token(ValueToken):
            token = scanner.get_token()
            if not scanner.check_token(KeyToken, ValueToken, BlockEndToken):
                self.states.append(self.parse_block_mapping_key)
                return self.parse_block_node_or_indentless_sequence()
            self.state = self.parse_block_mapping_key
            return self.process_empty_scalar(token.end_mark)
        self.state = self.parse_block_mapping_key
        return self.process_empty_scalar(scanner.peek_token().start_mark)


class PureSource:
    """The events of one text (`get_event`, `dispose`, as ruamel.yaml's C parser has) and the
    scanner, whose state the tab reading looks at (`tabs.separating_tab`). It is the object
    ruamel.yaml's reader, scanner and parser read from one another, its directives' record and
    the version of their rules: YAML 1.2's whatever the `%YAML` directive says, as libyaml
    reads every version alike (the composer refuses versions other than 1.1 and 1.2)."""

    processing_version = (1, 2)
    comment_handling = None

    def __init__(self, text: str) -> None:
        self.doc_infos = [DocInfo(requested_version=None)]
        self._resolver = self
        self._reader = Reader(text, loader=self)
        self.scanner = self._scanner = LibyamlScanner(loader=self)
        self._parser = LibyamlParser(loader=self)

    def get_event(self) -> Any:
        return self._parser.get_event()

    def dispose(self) -> None:
        self._parser.dispose()
