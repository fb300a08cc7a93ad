"""Where the migrator's schema check deliberately accepts what upsun/meta's schema refuses.

One place for each deviation, with the sources that justify it (`migrator.facts`). Both schema
checks (`migrate`'s of its result, and `validate`'s) apply them to whichever schema they were
given (a file, the cache, a download or the embedded snapshot); the document itself is never
changed.
"""

from __future__ import annotations

from typing import Any

from migrator import facts

#: The JSON path (object keys) to a worker's properties in Upsun's schema.
WORKER_PROPERTIES = ("properties", "applications", "additionalProperties", "properties",
                     "workers", "additionalProperties", "properties")
APP_PROPERTIES = ("properties", "applications", "additionalProperties", "properties")


def apply(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every deviation applied (a new document where one applies)."""
    if facts.WORKER_CONTAINER_PROFILE.value:
        schema = _worker_container_profile(schema)
    return schema


def _worker_container_profile(schema: dict[str, Any]) -> dict[str, Any]:
    """A worker accepts `container_profile` as its application does (the application's own
    definition of it, so the values allowed are the schema's)."""
    app = _at(schema, APP_PROPERTIES)
    worker = _at(schema, WORKER_PROPERTIES)
    if app is None or worker is None or "container_profile" not in app \
            or "container_profile" in worker:
        return schema
    return _with(schema, WORKER_PROPERTIES, {**worker, "container_profile":
                                             app["container_profile"]})


def _at(document: Any, path: tuple[str, ...]) -> dict[str, Any] | None:
    for key in path:
        if not isinstance(document, dict):
            return None
        document = document.get(key)
    return document if isinstance(document, dict) else None


def _with(document: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A copy of the document with `value` at `path`; only the mappings along it are copied."""
    if not path:
        return value  # type: ignore[no-any-return]
    return {**document, path[0]: _with(document[path[0]], path[1:], value)}
