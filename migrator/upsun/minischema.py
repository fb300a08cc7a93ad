"""A small JSON Schema (draft-07) validator for the keywords Upsun's schema uses.

`migrate` validates every result before writing; importing jsonschema (and its referencing and
rpds dependencies) would cost more than the whole migration, so this covers `type`,
`properties`, `additionalProperties`, `required`, `items`, `enum`, `const`, `oneOf`, `anyOf`,
`allOf`, `$ref` (local and the registered remote ones), `minimum`, `maximum` and `pattern`.
Anything else that could change a verdict (a draft-07 keyword it does not implement, a keyword
of a later draft, another `$schema`, a `$ref` it cannot resolve) makes the schema refused with
UnsupportedSchema, since the schema may be downloaded at run time: a keyword silently ignored
would let invalid configurations through. Keywords no draft-07 validator acts on (`title`,
`nullable`, `x-order`, ...) are ignored, as jsonschema ignores them. The tests check it agrees
with jsonschema on every fixture and corpus output and on generated schemas and instances.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from typing import Any, NamedTuple

from migrator.errors import MigratorError

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,),
    "integer": (int,), "number": (int, float), "null": (type(None),),
}


class Error(NamedTuple):
    path: tuple[str | int, ...]
    message: str


def _is(value: Any, kind: str) -> bool:
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES.get(kind, (object,)))


class UnsupportedSchema(MigratorError):
    """The schema uses something this validator does not implement."""


IMPLEMENTED = frozenset({"type", "properties", "additionalProperties", "required", "items",
                         "enum", "const", "oneOf", "anyOf", "allOf", "$ref", "minimum",
                         "maximum", "pattern"})
#: Keywords with a validation meaning in draft-07 or a later draft that are not implemented.
UNIMPLEMENTED = frozenset({
    "additionalItems", "contains", "dependencies", "exclusiveMaximum", "exclusiveMinimum", "if",
    "then", "else", "maxItems", "minItems", "maxLength", "minLength", "maxProperties",
    "minProperties", "multipleOf", "not", "patternProperties", "propertyNames", "uniqueItems",
    "$defs", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor",
    "$vocabulary", "dependentRequired", "dependentSchemas", "prefixItems", "unevaluatedItems",
    "unevaluatedProperties", "minContains", "maxContains"})
DRAFT_07 = ("http://json-schema.org/draft-07/schema#", "http://json-schema.org/draft-07/schema")


class Validator:
    def __init__(self, schema: dict[str, Any], remote: dict[str, dict[str, Any]],
                 audited: bool = False) -> None:
        """`audited`: this schema document was refused or accepted by the audit already."""
        self.schema = schema
        self.remote = remote
        self.steps = 0  # of the validation under way (`errors`)
        if audited:
            return
        if schema.get("$schema", DRAFT_07[0]) not in DRAFT_07:
            raise UnsupportedSchema(f"the schema declares $schema {schema['$schema']!r}; only "
                                    "JSON Schema draft-07 is supported")
        _Audit(self).audit(schema, "#")

    def errors(self, instance: Any) -> list[Error]:
        """Every error of `instance`, in the order the schema is walked. A schema that makes
        validation run away (a chain of oneOf through $ref, walked for each value; a pattern
        that backtracks) is refused here (UnsupportedSchema) once it has taken MAX_STEPS steps
        or a pattern PATTERN_SECONDS."""
        self.steps = 0
        try:
            return self._failures(instance, self.schema, ())
        except RecursionError:
            raise UnsupportedSchema("the value is nested too deeply for the schema's checks "
                                    "(Python's recursion limit)") from None

    def _resolve(self, ref: str) -> dict[str, Any]:
        if ref in self.remote:
            return self.remote[ref]
        if ref == "#":  # the whole schema (a recursive one refers to it)
            return self.schema
        node: Any = self.schema
        for part in ref.removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node  # type: ignore[no-any-return]

    def _failures(self, value: Any, schema: Any, path: tuple[str | int, ...]) -> list[Error]:
        found: list[Error] = []
        self._check(value, schema, path, found)
        return found

    def _check(self, value: Any, schema: Any, path: tuple[str | int, ...],
               found: list[Error]) -> None:
        """The errors of `value` against `schema`, appended to `found`."""
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise UnsupportedSchema(f"validating took more than {MAX_STEPS:,} steps (at "
                                    f"{_where(path)}): the schema makes validation run away; "
                                    "refused")
        if schema is False:
            found.append(Error(path, f"{value!r} is not allowed (the schema is false)"))
            return
        if not isinstance(schema, dict):
            return
        if "$ref" in schema:
            self._check(value, self._resolve(schema["$ref"]), path, found)
            return
        kinds = schema.get("type")
        if kinds is not None:
            kinds = [kinds] if isinstance(kinds, str) else kinds
            if not any(_is(value, k) for k in kinds):
                found.append(Error(path, f"{value!r} is not of type "
                                         f"{', '.join(map(repr, kinds))}"))
                return
        if "enum" in schema and not any(_equal(value, item) for item in schema["enum"]):
            found.append(Error(path, f"{value!r} is not one of {schema['enum']!r}"))
        if "const" in schema and not _equal(value, schema["const"]):
            found.append(Error(path, f"{schema['const']!r} was expected"))
        if "allOf" in schema or "anyOf" in schema or "oneOf" in schema:
            self._combined(value, schema, path, found)
        if isinstance(value, dict):
            self._object(value, schema, path, found)
        elif isinstance(value, list) and isinstance(schema.get("items"), (dict, bool)):
            for index, item in enumerate(value):
                self._check(item, schema["items"], (*path, index), found)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                found.append(Error(path, f"{value!r} is less than the minimum of "
                                         f"{schema['minimum']}"))
            if "maximum" in schema and value > schema["maximum"]:
                found.append(Error(path, f"{value!r} is greater than the maximum of "
                                         f"{schema['maximum']}"))
        elif isinstance(value, str) and "pattern" in schema \
                and not _search(schema["pattern"], value, path):
            found.append(Error(path, f"{value!r} does not match {schema['pattern']!r}"))

    def _combined(self, value: Any, schema: dict[str, Any], path: tuple[str | int, ...],
                  found: list[Error]) -> None:
        for sub in schema.get("allOf", []):
            self._check(value, sub, path, found)
        if "anyOf" in schema:
            failures = [self._failures(value, sub, path) for sub in schema["anyOf"]]
            if all(failures):
                found.append(_best(failures, f"{value!r} is not valid under any of the given "
                                             "schemas"))
        if "oneOf" in schema:
            failures = [self._failures(value, sub, path) for sub in schema["oneOf"]]
            passed = sum(not f for f in failures)
            if passed == 0:
                found.append(_best(failures, f"{value!r} is not valid under any of the given "
                                             "schemas"))
            elif passed > 1:
                found.append(Error(path, f"{value!r} is valid under each of several given "
                                         "schemas"))

    def _object(self, value: dict[str, Any], schema: dict[str, Any],
                path: tuple[str | int, ...], found: list[Error]) -> None:
        for key in schema.get("required", []):
            if key not in value:
                found.append(Error(path, f"{key!r} is a required property"))
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        unexpected = [k for k in value if k not in properties]
        if extra is False and unexpected:
            listed = ", ".join(repr(k) for k in unexpected)
            verb = "was" if len(unexpected) == 1 else "were"
            found.append(Error(path, f"Additional properties are not allowed ({listed} {verb} "
                                     "unexpected)"))
        for key, item in value.items():
            if key in properties:
                self._check(item, properties[key], (*path, key), found)
            elif isinstance(extra, dict):
                self._check(item, extra, (*path, key), found)


#: Steps (`_check` calls) one validation may take: far above the 112,804 steps a configuration
#: of 800 applications, 14,000 services and 2,000 routes (2.6 MB as JSON) takes against Upsun's
#: schema.
MAX_STEPS = 5_000_000
#: Seconds one `pattern` may take on one value. Python's regular expressions backtrack, and a
#: pattern such as `^(a+)+$` takes exponential time; the engine checks for signals every 4096
#: steps (CPython `Modules/_sre/sre_lib.h`), so an interval timer stops it (where there is one:
#: the main thread of a POSIX system; elsewhere the search is not bounded).
PATTERN_SECONDS = 1.0


class _TooLong(Exception):
    """The interval timer went off during a pattern search."""


def _too_long(_signal: int, _frame: object) -> None:
    raise _TooLong


def _search(pattern: str, value: str, path: tuple[str | int, ...]) -> bool:
    """re.search(pattern, value), refused (UnsupportedSchema) after PATTERN_SECONDS."""
    try:
        previous = signal.signal(signal.SIGALRM, _too_long)
    except (ValueError, AttributeError):  # not the main thread, or no SIGALRM (Windows)
        return re.search(pattern, value) is not None
    running = signal.setitimer(signal.ITIMER_REAL, PATTERN_SECONDS)
    try:
        return re.search(pattern, value) is not None
    except _TooLong:
        raise UnsupportedSchema(f"the schema's pattern {pattern!r} took more than "
                                f"{PATTERN_SECONDS:g} s on a value of {len(value):,} characters "
                                f"(at {_where(path)}): a pattern that backtracks without end; "
                                "refused") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, *running)
        signal.signal(signal.SIGALRM, previous)


def _where(path: tuple[str | int, ...]) -> str:
    return ".".join(map(str, path)) or "the top"


def _best(failures: list[list[Error]], fallback: str) -> Error:
    """The most telling error of a failed oneOf/anyOf: the deepest one of the closest branch."""
    closest = min(failures, key=len)
    deepest = max(closest, key=lambda e: len(e.path))
    return deepest if deepest.message else Error(closest[0].path, fallback)


def _equal(left: Any, right: Any) -> bool:
    """JSON equality: true is not 1 (Python says it is), 1 is 1.0; containers compared deeply."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_equal, left, right))
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return left == right
    return type(left) is type(right) and left == right


class _Audit:
    """Walks every sub-schema reachable from the root (through `$ref` too) once, refusing what
    the validator would ignore, mis-read or never finish: a keyword it does not implement, a
    keyword's value of the wrong kind, a `$ref` it cannot resolve, a loop of `$ref`, `allOf`,
    `anyOf` and `oneOf` that comes back to a schema without descending into the value. The walk
    keeps its own stack: a schema nested thousands deep is walked, not a RecursionError."""

    def __init__(self, validator: Validator) -> None:
        self.validator = validator
        self.seen: set[str] = set()
        self.same: dict[str, list[str]] = {}  # schema -> the schemas applied to the same value

    def audit(self, schema: Any, where: str) -> None:
        stack = [(where, schema)]
        while stack:
            where, schema = stack.pop()
            if where in self.seen or isinstance(schema, bool):
                continue
            self.seen.add(where)
            if not isinstance(schema, dict):
                raise UnsupportedSchema(f"{where}: a schema must be an object or a boolean")
            for keyword in sorted(UNIMPLEMENTED & schema.keys()):
                raise UnsupportedSchema(f"the schema uses the JSON-Schema keyword {keyword!r} "
                                        f"at {where}, which the built-in validator does not "
                                        "implement (validation would ignore it)")
            self._values(schema, where)
            children = list(self._children(schema, where))
            self.same[where] = [key for key, _, same in children if same]
            stack += [(key, sub) for key, sub, _ in reversed(children)]
        self._refuse_loops()

    def _values(self, schema: dict[str, Any], where: str) -> None:
        for keyword, kinds, what in KINDS:
            if keyword in schema and (not isinstance(schema[keyword], kinds)
                                      or isinstance(schema[keyword], bool) and bool not in kinds):
                raise UnsupportedSchema(f"{where}: {keyword!r} must be {what}")
        kinds = schema.get("type", [])
        for kind in [kinds] if isinstance(kinds, str) else kinds:
            if not isinstance(kind, str) or kind not in _TYPES:
                raise UnsupportedSchema(f"{where}: unknown type {kind!r}")
        if "items" in schema and not isinstance(schema["items"], (dict, bool)):
            raise UnsupportedSchema(f"{where}: 'items' as a list (tuple validation) is not "
                                    "implemented")
        for keyword in ("required", "allOf", "anyOf", "oneOf"):
            value = schema.get(keyword)
            if keyword != "required" and value == []:
                raise UnsupportedSchema(f"{where}: {keyword!r} must not be empty")
            if keyword == "required" and not all(isinstance(key, str) for key in value or []):
                raise UnsupportedSchema(f"{where}: 'required' must list names")
        if "pattern" in schema:
            try:
                re.compile(schema["pattern"])
            except (re.error, TypeError, RecursionError, OverflowError):
                raise UnsupportedSchema(f"{where}: pattern {schema['pattern']!r} is not a "
                                        "regular expression Python reads") from None

    def _children(self, schema: dict[str, Any], where: str) -> Iterator[tuple[str, Any, bool]]:
        """Each sub-schema: its key, itself, and whether it applies to the same value."""
        for key, sub in (schema.get("properties") or {}).items():
            yield f"{where}/properties/{key}", sub, False
        for keyword in ("additionalProperties", "items"):
            if isinstance(schema.get(keyword), dict):
                yield f"{where}/{keyword}", schema[keyword], False
        for keyword in ("allOf", "anyOf", "oneOf"):
            for index, sub in enumerate(schema.get(keyword) or []):
                yield f"{where}/{keyword}/{index}", sub, "$ref" not in schema
        if "$ref" in schema:
            try:
                target = self.validator._resolve(schema["$ref"])
            except (KeyError, IndexError, TypeError):
                raise UnsupportedSchema(f"{where}: cannot resolve $ref {schema['$ref']!r}") \
                    from None
            yield schema["$ref"], target, True

    def _refuse_loops(self) -> None:
        """A loop in `same` (depth-first, with its own stack) would apply a schema to a value
        for ever: refused, naming where it closes."""
        done: set[str] = set()
        for start in sorted(self.same):
            if start in done:
                continue
            path, on_path = [(start, iter(self.same[start]))], {start}
            while path:
                node, following = path[-1]
                step = next(following, None)
                if step is None:
                    path.pop()
                    on_path.discard(node)
                    done.add(node)
                elif step in on_path:
                    raise UnsupportedSchema(f"{node}: {step!r} comes back to itself through "
                                            "$ref, allOf, anyOf or oneOf without descending "
                                            "into the value: validating would never end")
                elif step not in done and step in self.same:
                    path.append((step, iter(self.same[step])))
                    on_path.add(step)


#: The kind each implemented keyword's value must be: (keyword, Python types, in words).
KINDS: tuple[tuple[str, tuple[type, ...], str], ...] = (
    ("type", (str, list), "a type name or a list of them"),
    ("properties", (dict,), "an object"),
    ("additionalProperties", (dict, bool), "a schema"),
    ("required", (list,), "a list"),
    ("enum", (list,), "a list"),
    ("allOf", (list,), "a list"), ("anyOf", (list,), "a list"), ("oneOf", (list,), "a list"),
    ("$ref", (str,), "a string"),
    ("minimum", (int, float), "a number"), ("maximum", (int, float), "a number"),
    ("pattern", (str,), "a string"),
)
