"""Which container names Upsun's naming rule allows (migrator/facts.py says where it comes
from): UPS013 reports the others, and the `upsun resources:set` command never holds them."""

from __future__ import annotations

import re

from migrator.facts import CONTAINER_NAME

_NAME = re.compile(CONTAINER_NAME.value)


def allowed(name: str) -> bool:
    """A name made only of lowercase letters a-z, digits, hyphens and underscores."""
    return _NAME.fullmatch(name) is not None
