"""The fleet at a glance, computed from the outcomes alone: repositories by status, findings by
code, every image version in use with its status on Upsun, and the resources the hints ask for.
Rendered as Markdown (`bulk --summary-md`) and as the last lines of a run on the terminal.
Image types come from repositories: each goes through the `escape` function of its place."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import NamedTuple

from migrator import escape, facts
from migrator.fleet.outcome import NOT_LISTED, UNKNOWN_IMAGE, Asked, Outcome
from migrator.fleet.summary import as_shown, counts, row
from migrator.rules.codes import title

SEVERITIES = ("error", "warning", "info")
#: The statuses of an image version, the least supported first (what to upgrade first).
URGENCY = (UNKNOWN_IMAGE, NOT_LISTED, "decommissioned", "retired", "deprecated", "supported")


class CodeCount(NamedTuple):
    code: str
    findings: dict[str, int]  # by severity
    repositories: int


class ImageUse(NamedTuple):
    type: str
    status: str
    repositories: int


class Overview(NamedTuple):
    codes: list[CodeCount]
    images: list[ImageUse]
    asked: list[tuple[str, Asked]]  # (repository, what its hints ask for), by repository
    total: Asked | None


def overview(outcomes: list[Outcome]) -> Overview:
    findings: dict[str, Counter[str]] = defaultdict(Counter)
    having: Counter[str] = Counter()
    used: Counter[tuple[str, str]] = Counter()
    for item in outcomes:
        for code, severity, count in item.codes:
            findings[code][severity] += count
        having.update({code for code, _, _ in item.codes})
        used.update(item.images)
    codes = [CodeCount(code, dict(findings[code]), having[code]) for code in sorted(findings)]
    images = sorted((ImageUse(t, s, n) for (t, s), n in used.items()),
                    key=lambda use: (_urgency(use.status), -use.repositories, use.type))
    asked = sorted((o.repo, o.asked) for o in outcomes if o.asked is not None)
    return Overview(codes, images, asked, _sum([a for _, a in asked]))


def _urgency(status: str) -> int:
    return URGENCY.index(status) if status in URGENCY else len(URGENCY)


def _sum(asked: list[Asked]) -> Asked | None:
    if not asked:
        return None
    return Asked(sum(a.containers for a in asked), round(sum(a.cpu for a in asked), 2),
                 sum(a.ram for a in asked), sum(a.disk for a in asked),
                 sum(a.unknown_ram for a in asked))


def meaning(status: str) -> str:
    """What a status means, as Upsun defines it (`facts.LIFECYCLE`, `facts.UNLISTED`)."""
    if status in (NOT_LISTED, UNKNOWN_IMAGE):
        return facts.UNLISTED.value
    lifecycle = facts.LIFECYCLE.value.get(status)
    return lifecycle.meaning if lifecycle is not None else \
        "a status Upsun's registry schema does not define"


def _findings(found: dict[str, int]) -> str:
    return ", ".join(f"{found[s]} {s}{'s' if found[s] != 1 and s != 'info' else ''}"
                     for s in SEVERITIES if found.get(s))


def _repositories(count: int) -> str:
    return f"{count} {'repository' if count == 1 else 'repositories'}"


def _resources(asked: Asked) -> list[str]:
    """`3 CPU`, `1152 MB RAM`, `1536 MB disk`: what is asked for (no CPU and RAM without a
    size hint, no disk without a disk hint)."""
    parts = [f"{asked.cpu:g} CPU", f"{asked.ram} MB RAM"] if asked.cpu else []
    return [*parts, *([f"{asked.disk} MB disk"] if asked.disk else [])]


# --- the terminal's last lines ---------------------------------------------------------------

def terminal(outcomes: list[Outcome]) -> list[str]:
    """The overview in a few lines (wrapped at 100 columns): findings by code, images by
    status, the resources in all. Nothing for a part that is empty."""
    seen = overview(outcomes)
    lines: list[str] = []
    if seen.codes:
        lines += _wrapped("Findings:", [f"{c.code} ({_findings(c.findings)})"
                                        for c in seen.codes])
    if seen.images:
        lines += _wrapped("Image versions:", [
            f"{escape.terminal(i.type)} {escape.terminal(i.status)} "
            f"({_repositories(i.repositories)})" for i in seen.images])
    if seen.total is not None:
        total = seen.total
        lines += _wrapped("Resources the hints ask for:", [
            *_resources(total), f"for {total.containers} container(s) in "
                                f"{_repositories(len(seen.asked))}",
            *([f"RAM unknown for {total.unknown_ram} (no known container profile)"]
              if total.unknown_ram else [])])
    return lines


def _wrapped(title: str, items: list[str], width: int = 100) -> list[str]:
    """`title item, item, ...` in lines of at most `width` columns (an item longer is alone on
    its line), broken after a comma between items, the next lines indented."""
    lines = [title]
    for item in items:
        if len(lines[-1]) + len(item) + 3 > width and lines[-1] != title:  # ", item,"
            lines[-1] += ","
            lines.append("  " + item)
        else:
            lines[-1] += (" " if lines[-1] == title else ", ") + item
    return lines


# --- Markdown ----------------------------------------------------------------------------------

def markdown(outcomes: list[Outcome]) -> str:
    """`--summary-md`: the overview, then one row per repository."""
    seen = overview(outcomes)
    lines = ["# Upsun migration: fleet overview", "",
             f"{_repositories(len(outcomes))}: {counts(outcomes) or 'none'}.", ""]
    lines += _codes_table(seen.codes) + _images_table(seen.images) + _asked_table(seen)
    lines += _table("Repositories", ["repository", "status", "changes", "warnings", "errors",
                                     "message"],
                    [[escape.md_code(str(r["repo"]), table=True), str(r["status"]),
                      str(r["changes"]), str(r["warnings"]), str(r["errors"]),
                      escape.md_message(str(r["message"]), table=True)]
                     for r in map(row, sorted(outcomes, key=lambda o: o.repo))])
    return "\n".join(lines).rstrip("\n") + "\n"


def _table(heading: str, headers: list[str], rows: list[list[str]],
           intro: str = "") -> list[str]:
    return [f"## {heading}", "", *([intro, ""] if intro else []),
            "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers),
            *("| " + " | ".join(cells) + " |" for cells in rows), ""]


def _codes_table(codes: list[CodeCount]) -> list[str]:
    if not codes:
        return []
    return _table("Findings by code", ["code", "rule", *(f"{s}s" if s != "info" else "infos"
                                                         for s in SEVERITIES), "repositories"],
                  [[c.code, title(c.code), *(str(c.findings.get(s, 0)) for s in SEVERITIES),
                    str(c.repositories)] for c in codes])


def _images_table(images: list[ImageUse]) -> list[str]:
    if not images:
        return []
    return _table("Image versions in use", ["image", "status on Upsun", "what it means",
                                            "repositories"],
                  [[escape.md_code(i.type, table=True), escape.md_text(i.status),
                    escape.md_message(meaning(i.status), table=True), str(i.repositories)]
                   for i in images],
                  "Each application and service type the configuration names (as migrated, "
                  "or in `.upsun/` for a repository already migrated), with its status in "
                  "Upsun's image registry; the least supported first.")


def _cells(asked: Asked) -> list[str]:
    """Containers, CPU, RAM and disk; `-` where no hint sets it (a disk-only hint sets no CPU)."""
    return [str(asked.containers), f"{asked.cpu:g}" if asked.cpu else "-",
            str(asked.ram) if asked.ram else "-", str(asked.disk) if asked.disk else "-"]


def _asked_table(seen: Overview) -> list[str]:
    if seen.total is None:
        return []
    rows = [[escape.md_code(as_shown(repo), table=True), *_cells(a)] for repo, a in seen.asked]
    rows.append(["all", *_cells(seen.total)])
    total = seen.total
    unknown = f" {total.unknown_ram} sized container(s) have no known container profile: " \
              "their RAM is not counted." if total.unknown_ram else ""
    return _table("Resources the hints ask for", ["repository", "containers", "CPU", "RAM (MB)",
                                                  "disk (MB)"], rows,
                  "What each repository's `upsun resources:set` command sets, summed: the "
                  "containers that had a legacy size or disk (the others keep what Upsun gives "
                  "them); RAM is the size's under the container's profile, as the report gives "
                  "it. The command sets no instance count." + unknown)
