"""Facts have sources: every fact of `migrator/facts.py` names where Upsun or Platform.sh
publishes it, and the page of each code that states it lists those sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrator import facts
from tests.conftest import REPO

DOCS = REPO / "docs"
FACTS = {name: value for name, value in vars(facts).items() if isinstance(value, facts.Fact)}
#: UPS005's page is the resource hints' (their sources are written with that work).
NOT_YET = {"UPS005"}


def _page(code: str) -> Path:
    if code.startswith("UPS2"):
        return DOCS / "validation.md"
    if code == "steps":
        return DOCS / "report.md"
    if code == "UPS090":
        return DOCS / "rules" / "README.md"
    (page,) = (DOCS / "rules").glob(f"{code}-*.md")
    return page


def _cited(source: facts.Source) -> str:
    """How a page cites a source: a docs page by its path in the site, a file by its path."""
    return re.sub(r"^sites/(upsun|platform)/src/", "", source.path)


@pytest.mark.parametrize("name", sorted(FACTS))
def test_every_fact_has_sources_listed_on_its_pages(name: str) -> None:
    fact = FACTS[name]
    assert fact.sources and fact.codes
    for code in fact.codes:
        text = _page(code).read_text(encoding="utf-8")
        for source in fact.sources:
            assert _cited(source) in text, (name, code, source.path)
            assert source.commit[:7] in text, (name, code, source.commit)


def test_sources_are_commits_of_known_repositories() -> None:
    for fact in FACTS.values():
        for source in fact.sources:
            assert re.fullmatch(r"[0-9a-f]{40}", source.commit)
            assert source.repository in ("platformsh/platformsh-docs", "upsun/meta", "upsun/cli",
                                         "platformsh/platformify")
            assert source.part
            if source.path.startswith("sites/upsun/src/"):
                assert source.url is not None and re.fullmatch(
                    r"https://docs\.upsun\.com/[a-z0-9/_-]+\.html", source.url)


def test_every_rule_page_lists_its_sources() -> None:
    for page in sorted((DOCS / "rules").glob("UPS*.md")):
        if page.name.split("-")[0] in NOT_YET:
            continue
        assert "\n## Sources\n" in page.read_text(encoding="utf-8"), page.name


def test_the_upsun_docs_addresses_follow_the_published_form() -> None:
    """As upsun/meta's schema links them: a page's `.md` path as `.html`, a section's
    `_index.md` as the section's name."""
    assert facts.DOCS_NETWORK_STORAGE.url == \
        "https://docs.upsun.com/add-services/network-storage.html"
    assert facts.Source("platformsh/platformsh-docs", "sites/upsun/src/administration/cli/"
                        "_index.md", facts.PLATFORMSH_DOCS, "x").url == \
        "https://docs.upsun.com/administration/cli.html"
    assert facts.REGISTRY_STATUSES.url is None
