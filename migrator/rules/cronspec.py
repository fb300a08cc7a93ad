"""How often a cron `spec` fires within an hour: the minute field of a five-field spec, with
the `H` (hash) forms Platform.sh and Upsun accept (`H`, `H/15`, `H(0-29)/10`).

Pure functions over text. A spec this does not read (another number of fields, a word such as
`@hourly`, a value out of range) gives None: nothing is said of it.
"""

from __future__ import annotations

import re
from itertools import pairwise

_HASH = re.compile(r"\AH(?:\((\d{1,2})-(\d{1,2})\))?(?:/(\d{1,2}))?\Z")
_TERM = re.compile(r"\A(\*|\d{1,2})(?:-(\d{1,2}))?(?:/(\d{1,2}))?\Z")
LAST_MINUTE = 59


def minute_gap(spec: str) -> int | None:
    """The shortest time, in minutes, between two runs the minute field allows within one hour;
    None when it fires at most once an hour, or when the spec cannot be read."""
    fields = spec.split()
    if len(fields) != 5:
        return None
    hashed = _HASH.match(fields[0])
    if hashed:  # one unspecified minute, or every `step` minutes from one
        low, high, step = hashed.groups()
        span = int(high) - int(low) if low is not None else LAST_MINUTE
        if step is None or int(step) == 0 or span < 0:
            return None
        return int(step) if int(step) <= span else None
    minutes = _minutes(fields[0])
    if minutes is None:
        return None
    ordered = sorted(minutes)
    gaps = [after - before for before, after in pairwise(ordered)]
    return min(gaps) if gaps else None


def _minutes(field: str) -> set[int] | None:
    """The minutes a field of numbers, ranges, steps and lists names; None if unreadable."""
    minutes: set[int] = set()
    for term in field.split(","):
        match = _TERM.match(term)
        if match is None:
            return None
        start, end, step = match.groups()
        if start == "*":
            if end is not None:
                return None
            low, high = 0, LAST_MINUTE
        else:
            low = int(start)
            high = int(end) if end is not None else LAST_MINUTE if step is not None else low
        if step is not None and int(step) == 0 or low > high or high > LAST_MINUTE:
            return None
        minutes.update(range(low, high + 1, int(step) if step is not None else 1))
    return minutes
