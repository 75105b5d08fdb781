"""The five pages in real headless Chromium: search, open an article and see its highlights, open
a speaker, the overview, paste an article. A screenshot of each goes to artifacts/screenshots/."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
RENDER_BUDGET_MS = 300
PASTED = """date 2025-03-02
outlet: Example Weekly
title: Harbour ferry returns

“We kept telling people March, and we meant it,” said Maren Olafsdottir, who runs the crossing.

Her brother, Tomas Olafsson, was blunter. “It was the gearbox,” he said.
"""


def shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def rendered(page: Any, count: int = 1) -> None:
    """Wait until the page has finished rendering ``count`` times (data-rendered). Polled with
    ``evaluate``: Playwright's ``wait_for_function`` needs eval, which the page's CSP forbids."""
    deadline = time.monotonic() + 20
    while page.evaluate("document.body.dataset.rendered | 0") < count:
        assert time.monotonic() < deadline, f"page did not render {count} time(s)"
        time.sleep(0.02)


def render_ms(page: Any, path: str) -> float:
    """Best of three loads: time from navigation start to the page's first complete render."""
    best = float("inf")
    for _ in range(3):
        page.goto(path)
        rendered(page)
        ms = page.evaluate("performance.getEntriesByName('saidwhat:rendered')[0].startTime")
        best = min(best, float(ms))
    return best


def no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_search(page: Any) -> None:
    page.goto("/")
    rendered(page)
    assert page.locator("ol.results li").count() > 0  # latest quotations before any query
    assert page.is_visible("text=Search what people said")
    page.locator(".summary").click()  # focus away from the search box, then "/" comes back
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("library")
    page.keyboard.press("Enter")
    rendered(page, 2)
    assert "q=library" in page.url
    cards = page.locator("ol.results li")
    assert cards.count() >= 2
    assert page.locator("ol.results mark").first.inner_text().lower() == "library"
    # phrase search
    page.fill("#q", '"close a library"')
    page.keyboard.press("Enter")
    rendered(page, 3)
    assert page.locator("ol.results li").count() == 1
    assert "Victor Almasi" in page.locator("ol.results li").first.inner_text()
    # filters: outlet select submits at once
    page.goto("/?q=said")
    rendered(page)
    page.select_option("select[name=outlet]", "Port Elden Ledger")
    rendered(page, 2)
    assert "outlet=Port+Elden+Ledger" in page.url or "outlet=Port%20Elden%20Ledger" in page.url
    # no results: a helpful state
    page.goto("/?q=zebracorn&kind=nested")
    rendered(page)
    text = page.locator("main").inner_text()
    assert "No quotation matches" in text and "Remove a filter" in text
    page.goto("/?q=library")
    rendered(page)
    shot(page, "search")


def test_article_highlights_and_details(page: Any) -> None:
    page.goto("/?q=%22close%20a%20library%22")
    rendered(page)
    page.click("text=Open article →")
    page.wait_for_selector(".article-text mark.q")
    rendered(page, 2)
    assert "/article/01_library_vote" in page.url
    api = page.evaluate("fetch('/api/articles/01_library_vote').then(r => r.json())")
    starts = page.locator(".article-text mark.q[tabindex='0']").count()
    assert starts == len(api["quotes"])
    colours = page.evaluate(
        "[...new Set([...document.querySelectorAll('.article-text mark.q')]"
        ".map(m => [...m.classList].find(c => /^c\\d+$/.test(c))).filter(Boolean))].length"
    )
    assert colours >= 4  # a colour per speaker
    # hovering shows the attribution
    first = page.locator(".article-text mark.q").first
    first.hover()
    detail = page.locator(".detail")
    for word in ("Speaker", "Cue", "Medium", "Confidence", "Evidence"):
        assert word in detail.inner_text()
    # keyboard: tab to a quotation, details follow focus
    page.locator("#quote-Q1").focus()
    assert "Rosa Delacroix-Hunt" in detail.inner_text()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    page.locator("#quote-Q4").focus()
    assert "Victor Almasi" in detail.inner_text()
    page.keyboard.press("n")
    assert page.evaluate("document.activeElement.dataset.q") == "Q5"
    page.locator("#quote-Q4").click()
    shot(page, "article")
    # nested quotes and captions are shown as such
    page.goto("/article/02_chef_profile")
    rendered(page)
    assert page.locator(".article-text .caption").count() >= 1
    assert page.locator(".article-text mark.q.nested").count() >= 1


def test_speaker_page(page: Any) -> None:
    page.goto("/?q=%22close%20a%20library%22")
    rendered(page)
    page.click("ol.results a.who")
    page.wait_for_selector(".speaker-head")
    rendered(page, 2)
    text = page.locator("main").inner_text()
    assert "Victor Almasi" in text and "Almasi" in page.locator(".aliases").inner_text()
    assert page.locator("svg.chart rect").count() >= 1
    assert "Alder Creek Courier" in page.locator(".hbars").inner_text()
    assert page.locator("ol.results li").count() == 2
    shot(page, "speaker")


def test_overview(page: Any) -> None:
    page.goto("/overview")
    rendered(page)
    assert page.locator("svg.chart rect").count() >= 4
    text = page.locator("main").inner_text()
    assert "unattributed" in text and "Top speakers" in text and "Quotations per outlet" in text
    shot(page, "overview")


def test_try_it(page: Any) -> None:
    page.goto("/try")
    rendered(page)
    page.fill("#paste", PASTED)
    page.dispatch_event("#paste", "paste")  # pasting runs the engine at once
    page.wait_for_selector(".article-text mark.q", timeout=60_000)
    rendered(page, 2)
    assert page.locator(".article-text mark.q[tabindex='0']").count() >= 2
    legend = page.locator(".legend").inner_text()
    assert "Maren Olafsdottir" in legend
    page.locator(".article-text mark.q").first.hover()
    shot(page, "try")


def test_phone_size_and_speed(browser: Any, server: str) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=server, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        sid = page.request.get(server + "api/speakers?q=almasi").json()["items"][0]["speaker_id"]
        for path in (
            "/",
            "/?q=library",
            "/article/01_library_vote",
            f"/speaker/{sid}",
            "/overview",
            "/try",
        ):
            page.goto(path)
            rendered(page)
            assert no_horizontal_scroll(page), path
        page.goto("/article/01_library_vote")
        rendered(page)
        page.locator("#quote-Q1").tap()
        assert page.locator(".detail.open").is_visible()  # a bottom sheet on a phone
        page.screenshot(path=str(SHOTS / "article-phone.png"))
        page.keyboard.press("Escape")
        assert not page.locator(".detail.open").count()
    finally:
        context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=server)
    page = context.new_page()
    try:
        for path in (
            "/",
            "/?q=library",
            "/article/01_library_vote",
            f"/speaker/{sid}",
            "/overview",
        ):
            ms = render_ms(page, path)
            assert ms < RENDER_BUDGET_MS, (path, ms)
    finally:
        context.close()


def test_keyboard_reaches_everything(page: Any) -> None:
    page.goto("/")
    rendered(page)
    assert page.evaluate("document.activeElement.id") == "q"  # the search box has focus
    assert (
        page.evaluate("document.querySelector('a, button, input, select, textarea').textContent")
        == "Skip to content"
    )
    page.locator("a.skip").focus()
    seen = set()
    for _ in range(25):
        page.keyboard.press("Tab")
        seen.add(page.evaluate("document.activeElement.name || document.activeElement.textContent"))
    assert {"Overview", "Try it", "Search"} <= seen
    assert "outlet" in seen and "kind" in seen
