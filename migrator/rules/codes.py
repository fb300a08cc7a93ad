"""Every code the tool can print, with its title and the most severe level it reports at.

One table, so that a report never meets a code it cannot name (a test enumerates the codes
found in the sources against it). `--select`/`--ignore` take these codes or their prefixes.
"""

from __future__ import annotations

from typing import NamedTuple


class Code(NamedTuple):
    title: str
    severity: str  # the most severe level findings of this code have: info, warning, error
    source: str  # rule, check, tool, codemod


CODES: dict[str, Code] = {
    "UPS001": Code("applications", "info", "rule"),
    "UPS002": Code("source-root", "info", "rule"),
    "UPS003": Code("mounts", "warning", "rule"),
    "UPS004": Code("relationships", "warning", "rule"),
    "UPS005": Code("resources", "info", "rule"),
    "UPS006": Code("services", "info", "rule"),
    "UPS007": Code("routes", "warning", "rule"),
    "UPS008": Code("includes", "warning", "rule"),
    "UPS009": Code("crons", "warning", "rule"),
    "UPS010": Code("web-locations", "warning", "rule"),
    "UPS011": Code("unknown-keys", "warning", "rule"),
    "UPS012": Code("platform-cli", "warning", "rule"),
    "UPS013": Code("names", "error", "rule"),
    "UPS090": Code("both-formats", "warning", "tool"),
    "UPS101": Code("config-attributes", "info", "codemod"),
    "UPS102": Code("port-and-socket", "info", "codemod"),
    "UPS106": Code("is-valid-platform", "info", "codemod"),
    "UPS107": Code("in-build", "info", "codemod"),
    "UPS108": Code("in-runtime", "info", "codemod"),
    "UPS111": Code("on-production", "warning", "codemod"),
    "UPS112": Code("dedicated-only", "warning", "codemod"),
    "UPS121": Code("credentials", "info", "codemod"),
    "UPS122": Code("decoded-relationships", "info", "codemod"),
    "UPS123": Code("formatted-credentials", "info", "codemod"),
    "UPS124": Code("credentials-variable", "info", "codemod"),
    "UPS133": Code("routes-and-variables", "info", "codemod"),
    "UPS141": Code("unused-imports", "info", "codemod"),
    "UPS161": Code("cli", "warning", "codemod"),
    "UPS190": Code("not-rewritten", "warning", "codemod"),
    "UPS191": Code("custom-config", "warning", "codemod"),
    "UPS192": Code("dynamic-relationship", "warning", "codemod"),
    "UPS193": Code("endpoint-index", "warning", "codemod"),
    "UPS194": Code("unknown-credential-key", "warning", "codemod"),
    "UPS195": Code("used-as-a-whole", "warning", "codemod"),
    "UPS196": Code("unknown-relationship", "warning", "codemod"),
    "UPS197": Code("relationships-not-followed", "warning", "codemod"),
    "UPS198": Code("not-analysed", "warning", "codemod"),
    "UPS199": Code("unreadable-python", "warning", "codemod"),
    "UPS201": Code("image-version", "error", "check"),
    "UPS202": Code("endpoint", "warning", "check"),
    "UPS203": Code("upgrade-retired", "warning", "check"),
}


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
