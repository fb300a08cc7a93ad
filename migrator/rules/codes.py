"""Every code the tool can print, with its title and where it comes from.

One table, derived from the rules as ruff's code -> rule table is, so that a report never meets
a code it cannot name (a test enumerates the codes found in the sources against it).
`--select`/`--ignore` take these codes or their prefixes.
"""

from __future__ import annotations

from typing import NamedTuple

from migrator.rules import BOTH_FORMATS, RULES, images


class Code(NamedTuple):
    title: str
    source: str  # rule, check, tool, codemod


#: The codemod's codes and titles. They stay in this table rather than in `migrator.codemod`,
#: whose package a migration must not load (tests/test_start.py); a test checks that every code
#: the codemod's sources name is here.
CODEMOD = {
    "UPS101": "config-attributes",
    "UPS102": "port-and-socket",
    "UPS106": "is-valid-platform",
    "UPS107": "in-build",
    "UPS108": "in-runtime",
    "UPS111": "on-production",
    "UPS112": "dedicated-only",
    "UPS121": "credentials",
    "UPS122": "decoded-relationships",
    "UPS123": "formatted-credentials",
    "UPS124": "credentials-variable",
    "UPS133": "routes-and-variables",
    "UPS141": "unused-imports",
    "UPS161": "cli",
    "UPS190": "not-rewritten",
    "UPS191": "custom-config",
    "UPS192": "dynamic-relationship",
    "UPS193": "endpoint-index",
    "UPS194": "unknown-credential-key",
    "UPS195": "used-as-a-whole",
    "UPS196": "unknown-relationship",
    "UPS197": "relationships-not-followed",
    "UPS198": "not-analysed",
    "UPS199": "unreadable-python",
}

#: Every code: each rule's own (`CODE`, `TITLE`, in `RULES`), the tool's, the image checks'
#: (`rules.images.TITLES`), the codemod's; in code order.
CODES: dict[str, Code] = dict(sorted({
    **{rule.CODE: Code(rule.TITLE, "rule") for rule in RULES},
    BOTH_FORMATS: Code("both-formats", "tool"),
    **{code: Code(title, "check") for code, title in images.TITLES.items()},
    **{code: Code(title, "codemod") for code, title in CODEMOD.items()},
}.items()))


def title(code: str) -> str:
    known = CODES.get(code)
    return known.title if known is not None else code


def selected(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    """Whether `--select`/`--ignore` (codes or prefixes such as `UPS2`) keep a code."""
    if select and not code.startswith(select):
        return False
    return not (ignore and code.startswith(ignore))


def unknown(patterns: tuple[str, ...], source: str | None = None) -> list[str]:
    """The patterns that match no code (of this source, if given): a typo in `--select UPS03`."""
    codes = [code for code, known in CODES.items() if source in (None, known.source)]
    return [p for p in patterns if not any(code.startswith(p) for code in codes)]
