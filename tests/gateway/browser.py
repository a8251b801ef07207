"""Driving Debian's Chromium through Playwright (never a downloaded browser),
with axe-core injected into each page and a screenshot of each page kept
under test-artifacts/screenshots/."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, async_playwright

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
BLOCKING_IMPACTS = {"serious", "critical"}


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def prepare(context: BrowserContext) -> None:
    """axe-core in every page (as an init script: the pages' CSP forbids inline scripts)."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `make assets` (npm install + python -m tools.copy_assets)")
    await context.add_init_script(path=str(AXE))


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations of the page as it is now, once its CSS
    transitions have ended (a colour caught mid-fade is not the page's contrast: seen on
    a loaded machine, a grid's rule text read half-way through DSFR's transition)."""
    await page.evaluate(
        """async () => await Promise.all(document.getAnimations()
            .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
            .map(a => a.finished.catch(() => null)))"""
    )
    result = await page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


class Pages:
    """Every page a browser test visits: checked by axe, then photographed."""

    def __init__(self, name: str) -> None:
        self.folder = SCREENSHOTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.checked: list[str] = []
        self.failures: dict[str, list[dict[str, Any]]] = {}
        self.script_errors: list[str] = []

    def watch(self, page: Page) -> None:
        """Keep every script error and CSP refusal of the page (failed loads of 4xx pages are expected)."""

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error" and "Failed to load resource" not in message.text:
                self.script_errors.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.script_errors.append(f"{page.url}: {error}"))

    async def check(self, page: Page, label: str) -> None:
        violations = await axe_violations(page)
        if violations:
            self.failures[label] = violations
        ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_label.lower()).strip("-")
        await page.screenshot(path=str(self.folder / f"{len(self.checked) + 1:02d}-{slug}.png"), full_page=True)
        self.checked.append(label)

    def assert_accessible(self) -> None:
        assert not self.failures, "serious/critical axe violations:\n" + json.dumps(
            self.failures, indent=1, ensure_ascii=False
        )
        assert not self.script_errors, "script errors:\n" + "\n".join(self.script_errors)
