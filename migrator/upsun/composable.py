"""The composable image (`type: composable:<channel>`): which runtimes a `stack:` names, and
whether the channel offers them. Pure functions over plain data; the registry supplies the
channel."""

from __future__ import annotations

import re
from typing import Any

IMAGE = "composable"
_RUNTIME = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9_-]*)@(?P<version>[^@\s]+)$")


def stack_runtimes(stack: Any) -> list[tuple[int, str]]:
    """The `name@version` entries of a stack, each with the index of its item: the list form
    (strings, or mappings keyed by the runtime), or the `runtimes:` list of the mapping form.
    Nix packages are not runtimes."""
    items = stack.get("runtimes") if isinstance(stack, dict) else stack
    if not isinstance(items, list):
        return []
    found = []
    for index, item in enumerate(items):
        for entry in (item,) if isinstance(item, str) else item if isinstance(item, dict) else ():
            if isinstance(entry, str) and _RUNTIME.match(entry):
                found.append((index, entry))
    return found


def stack_problems(stack: Any, channel: str,
                   packages: dict[str, Any]) -> list[tuple[int, bool, str]]:
    """(item index, is_error, message) for each runtime the channel does not offer."""
    problems = []
    for index, runtime in stack_runtimes(stack):
        match = _RUNTIME.match(runtime)
        assert match is not None
        name, version = match["name"], match["version"]
        offered = packages.get(name)
        if not isinstance(offered, dict):
            problems.append((index, False, f"stack: {IMAGE}:{channel} offers no runtime {name!r} "
                             f"({runtime} may be a Nix package; runtimes of this channel: "
                             f"{', '.join(sorted(packages))})"))
            continue
        versions = [str(v) for v in offered.get("versions") or []]
        if version not in versions:
            problems.append((index, True, f"stack: {runtime} is not offered by "
                             f"{IMAGE}:{channel} and will not build ({name} versions of "
                             f"this channel: {', '.join(versions) or 'none'})"))
    return problems
