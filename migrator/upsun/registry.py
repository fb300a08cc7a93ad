"""Upsun's image registry: which versions Upsun runs, their endpoints and default profiles."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

#: Service types that are another image under a different name.
ALIASES = {"redis-persistent": "redis", "valkey-persistent": "valkey"}
RETIRED = frozenset({"retired", "decommissioned"})


class ImageVersion(NamedTuple):
    image: str
    version: str
    status: str
    endpoints: tuple[str, ...] | None  # None: the registry has no endpoint data (null)
    profile: str | None
    min_cpu: float | None = None  # the version's minimum CPU, RAM (MB) and disk (MB), if given
    min_ram: int | None = None
    min_disk: int | None = None
    need_disk: bool | None = None  # the image's: whether its containers have a disk


#: What this module reads of the registry (`*`: any key; None: the value as it is). The package
#: embeds, and the cache keeps, the registry trimmed to it: under a third of the size, parsed
#: in half the time. A field read here must be added here (tests/test_published.py compares
#: every answer on the trimmed and the whole registry).
READ = {"*": {"runtime": None, "service": None, "need_disk": None, "versions": {"*": {
    "upsun": {"status": None},
    "manifest": {"endpoints": None, "default_container_profile": None, "min_cpu_size": None,
                 "min_mem_size": None, "min_disk_size": None},
    "packages_versions": None}}}}


def trim(value: Any, read: Any = READ) -> Any:
    """The registry (or a part of it) with only what `read` names, nulls and absences kept."""
    if read is None or not isinstance(value, dict):
        return value
    return {key: trim(item, read.get(key, read.get("*"))) for key, item in value.items()
            if key in read or "*" in read}


def _cpu(value: Any) -> float | None:
    """A figure of the registry; None when it is absent or not a finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value):
        return None
    return float(value)


def _megabytes(value: Any) -> int | None:
    """A RAM or disk minimum of the registry in whole MB (rounded up); None when absent."""
    figure = _cpu(value)
    return math.ceil(figure) if figure is not None else None


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (0,)


class Registry:
    """The images Upsun runs; the composable image's data joins them as the image `composable`."""

    def __init__(self, data: dict[str, Any], composable: dict[str, Any] | None = None) -> None:
        self.data = {**data, **(composable or {})}
        self._found: dict[str, ImageVersion | None] = {}  # lookup's answers: data never changes

    def image(self, type_: str) -> tuple[str, str]:
        name, _, version = type_.partition(":")
        return ALIASES.get(name, name), version

    def _entry(self, type_: str) -> dict[str, Any] | None:
        """The registry's entry for this image version, or None."""
        image, version = self.image(type_)
        entry = self.data.get(image, {}).get("versions", {}).get(version)
        return entry if isinstance(entry, dict) else None

    def lookup(self, type_: str) -> ImageVersion | None:
        if type_ not in self._found:
            self._found[type_] = self._version(type_)
        return self._found[type_]

    def _version(self, type_: str) -> ImageVersion | None:
        image, version = self.image(type_)
        entry = self._entry(type_)
        if entry is None:
            return None
        manifest = entry.get("manifest") or {}
        listed = manifest.get("endpoints")
        endpoints = tuple(listed.keys()) if isinstance(listed, dict) else None
        need_disk = self.data.get(image, {}).get("need_disk")
        return ImageVersion(image, version, (entry.get("upsun") or {}).get("status", "unknown"),
                            endpoints, manifest.get("default_container_profile"),
                            _cpu(manifest.get("min_cpu_size")),
                            _megabytes(manifest.get("min_mem_size")),
                            _megabytes(manifest.get("min_disk_size")),
                            need_disk if isinstance(need_disk, bool) else None)

    def packages(self, type_: str) -> dict[str, Any]:
        """The runtimes (and their versions) a composable channel offers; {} for other images."""
        entry = self._entry(type_)
        packages = entry.get("packages_versions") if entry is not None else None
        return packages if isinstance(packages, dict) else {}

    def known_image(self, type_: str) -> bool:
        return self.image(type_)[0] in self.data

    def is_runtime(self, type_: str) -> bool:
        """Whether the image is an application runtime (the composable image is one), as
        Upsun's runtime version list counts it; False for a service image."""
        entry = self.data.get(self.image(type_)[0], {})
        return bool(entry.get("runtime") or entry.get("service") is False)

    def versions(self, type_: str) -> list[str]:
        """Every version the registry lists for the image, oldest first."""
        return sorted(self.data.get(self.image(type_)[0], {}).get("versions", {}),
                      key=_version_key)

    def supported(self, type_: str) -> list[str]:
        """Supported versions of the image, nearest first: upward ones, then downward ones."""
        image, version = self.image(type_)
        current = _version_key(version)
        versions = [v for v, entry in self.data.get(image, {}).get("versions", {}).items()
                    if (entry.get("upsun") or {}).get("status") == "supported"]
        up = sorted((v for v in versions if _version_key(v) >= current), key=_version_key)
        down = sorted((v for v in versions if _version_key(v) < current), key=_version_key,
                      reverse=True)
        return up + down

    def upgrade(self, type_: str) -> str | None:
        """The nearest supported version at or above this one, as a full type, or None."""
        image, version = self.image(type_)
        name = type_.partition(":")[0]
        upward = [v for v in self.supported(type_) if _version_key(v) >= _version_key(version)]
        return f"{name}:{upward[0]}" if upward else None
