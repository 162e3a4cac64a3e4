"""Fixtures for the collector app in real headless Chromium against the real server with demo data.

Chromium is Debian's (/usr/bin/chromium, TOOLCHAIN.md); Playwright never downloads a browser here. A missing
Chromium or an unbuilt app fails the tests loudly instead of skipping them.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from e2e_support import ARGS, CHROMIUM, CONSOLE, PWA, REPO, SHOTS, VIEWPORT

sys.path.insert(0, str(REPO / "tests"))
from live_server import LiveServer  # noqa: E402


def _stale(dist_index: Path, app: Path = PWA) -> bool:
    if not dist_index.exists():
        return True
    built = dist_index.stat().st_mtime
    sources = [*(app / "src").rglob("*"), *(app / "public").rglob("*"), app / "index.html", app / "vite.config.js",
               app / "package-lock.json", REPO / "sync" / "labels.json", *((PWA / "src").rglob("*") if app != PWA else [])]
    return any(p.is_file() and p.stat().st_mtime > built for p in sources)


@pytest.fixture(scope="session")
def pwa_build():
    """pwa/dist, built (npm ci when needed, then vite build) if missing or older than its sources."""
    if _stale(PWA / "dist" / "index.html"):
        npm = shutil.which("npm")
        if not npm:
            pytest.fail("npm is not on PATH: cannot build pwa/ for the end-to-end tests")
        if not (PWA / "node_modules" / ".package-lock.json").exists():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PWA, check=True)
        subprocess.run([npm, "run", "build"], cwd=PWA, check=True)
    return PWA / "dist"


@pytest.fixture(scope="session")
def console_build(pwa_build):
    """console/dist, built like pwa/dist (it imports pwa/src/money.js and sync/labels.json)."""
    if _stale(CONSOLE / "dist" / "index.html", CONSOLE):
        npm = shutil.which("npm")
        if not npm:
            pytest.fail("npm is not on PATH: cannot build console/ for the end-to-end tests")
        if not (CONSOLE / "node_modules" / ".package-lock.json").exists():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=CONSOLE, check=True)
        subprocess.run([npm, "run", "build"], cwd=CONSOLE, check=True)
    return CONSOLE / "dist"


@pytest.fixture(scope="session")
def chromium():
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get install chromium (TOOLCHAIN.md)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("python playwright is not installed in the project's venv")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def server(pwa_build, console_build):
    """One real server (fresh SQLite database, migrations, demo data) for the session; tests use different collectors."""
    with LiveServer() as srv:
        yield srv


@pytest.fixture
def new_context(chromium, tmp_path):
    """Factory: a fresh persistent Chromium profile at phone size, zh-CN, Asia/Shanghai."""
    contexts = []

    def make(**kw):
        profile = tempfile.mkdtemp(prefix="hl-chromium-", dir=tmp_path)
        ctx = chromium.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS, viewport=VIEWPORT, locale="zh-CN",
            timezone_id="Asia/Shanghai", service_workers="allow", accept_downloads=True, **kw)
        ctx.set_default_timeout(15000)
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
