"""A small JSON Schema (draft-07) validator for the keywords Upsun's schema uses.

`migrate` validates every result before writing; importing jsonschema (and its referencing and
rpds dependencies) would cost more than the whole migration, so this covers `type`,
`properties`, `additionalProperties`, `required`, `items`, `enum`, `const`, `oneOf`, `anyOf`,
`allOf`, `$ref` (local and the registered remote ones), `minimum`, `maximum` and `pattern`.
The tests check it agrees with jsonschema on every fixture and corpus project.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,),
    "integer": (int,), "number": (int, float), "null": (type(None),),
}


@dataclass(frozen=True)
class Error:
    path: tuple[str | int, ...]
    message: str


def _is(value: Any, kind: str) -> bool:
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES.get(kind, (object,)))


class Validator:
    def __init__(self, schema: dict[str, Any], remote: dict[str, dict[str, Any]]) -> None:
        self.schema = schema
        self.remote = remote

    def errors(self, instance: Any) -> Iterator[Error]:
        yield from self._check(instance, self.schema, ())

    def _resolve(self, ref: str) -> dict[str, Any]:
        if ref in self.remote:
            return self.remote[ref]
        node: Any = self.schema
        for part in ref.removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node  # type: ignore[no-any-return]

    def _check(self, value: Any, schema: Any, path: tuple[str | int, ...]) -> Iterator[Error]:
        if schema is True or not isinstance(schema, dict):
            return
        if "$ref" in schema:
            yield from self._check(value, self._resolve(schema["$ref"]), path)
            return
        kinds = schema.get("type")
        if kinds is not None:
            kinds = [kinds] if isinstance(kinds, str) else kinds
            if not any(_is(value, k) for k in kinds):
                yield Error(path, f"{value!r} is not of type {', '.join(map(repr, kinds))}")
                return
        if "enum" in schema and value not in schema["enum"]:
            yield Error(path, f"{value!r} is not one of {schema['enum']!r}")
        if "const" in schema and value != schema["const"]:
            yield Error(path, f"{schema['const']!r} was expected")
        yield from self._combined(value, schema, path)
        if isinstance(value, dict):
            yield from self._object(value, schema, path)
        elif isinstance(value, list) and isinstance(schema.get("items"), dict):
            for index, item in enumerate(value):
                yield from self._check(item, schema["items"], (*path, index))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                yield Error(path, f"{value!r} is less than the minimum of {schema['minimum']}")
            if "maximum" in schema and value > schema["maximum"]:
                yield Error(path, f"{value!r} is greater than the maximum of {schema['maximum']}")
        elif isinstance(value, str) and "pattern" in schema \
                and not re.search(schema["pattern"], value):
            yield Error(path, f"{value!r} does not match {schema['pattern']!r}")

    def _combined(self, value: Any, schema: dict[str, Any],
                  path: tuple[str | int, ...]) -> Iterator[Error]:
        for sub in schema.get("allOf", []):
            yield from self._check(value, sub, path)
        if "anyOf" in schema:
            failures = [list(self._check(value, sub, path)) for sub in schema["anyOf"]]
            if all(failures):
                yield _best(failures, f"{value!r} is not valid under any of the given schemas")
        if "oneOf" in schema:
            failures = [list(self._check(value, sub, path)) for sub in schema["oneOf"]]
            passed = sum(not f for f in failures)
            if passed == 0:
                yield _best(failures, f"{value!r} is not valid under any of the given schemas")
            elif passed > 1:
                yield Error(path, f"{value!r} is valid under each of several given schemas")

    def _object(self, value: dict[str, Any], schema: dict[str, Any],
                path: tuple[str | int, ...]) -> Iterator[Error]:
        for key in schema.get("required", []):
            if key not in value:
                yield Error(path, f"{key!r} is a required property")
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        unexpected = [k for k in value if k not in properties]
        if extra is False and unexpected:
            listed = ", ".join(repr(k) for k in unexpected)
            verb = "was" if len(unexpected) == 1 else "were"
            yield Error(path, f"Additional properties are not allowed ({listed} {verb} "
                        "unexpected)")
        for key, item in value.items():
            if key in properties:
                yield from self._check(item, properties[key], (*path, key))
            elif isinstance(extra, dict):
                yield from self._check(item, extra, (*path, key))


def _best(failures: list[list[Error]], fallback: str) -> Error:
    """The most telling error of a failed oneOf/anyOf: the deepest one of the closest branch."""
    closest = min(failures, key=len)
    deepest = max(closest, key=lambda e: len(e.path))
    return deepest if deepest.message else Error(closest[0].path, fallback)
