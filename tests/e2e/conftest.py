"""Browser journeys: Playwright driving Debian's Chromium (/usr/bin/chromium), with axe-core on every page."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP *.localhost 127.0.0.1",
]


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module. Playwright's sync API keeps an event loop running in this thread while it
    is open, so the ORM calls that the tests make (synchronous, as ever) are allowed for that time only."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


class AccessibilityChecker:
    def __init__(self):
        self.axe = Axe()
        self.pages_checked: list[str] = []

    def __call__(self, page) -> None:
        results = self.axe.run(page)
        self.pages_checked.append(page.url)
        assert results.violations_count == 0, f"axe-core on {page.url}:\n{results.generate_report()}"


@pytest.fixture
def axe():
    return AccessibilityChecker()


@pytest.fixture
def site(live_server, settings):
    """site(partnership, path): the absolute URL of a page on a partnership's address in the live server."""
    port = live_server.url.rsplit(":", 1)[1]
    settings.PORTAL_PORT = port

    def url(partnership, path: str = "/") -> str:
        host = f"{partnership.slug}.localhost" if partnership else "localhost"
        return f"http://{host}:{port}{path}"

    return url
