"""The protocol conformance suite of ../shared/conformance, run against a real server started the way
outside checks start it (fresh SQLite database, `db upgrade`, `demo-seed`, `/healthz`)."""
import os
import subprocess
import sys

import pytest

from tests.live_server import REPO, LiveServer

SUITE = REPO.parent / "shared" / "conformance"


def test_the_shared_conformance_suite_passes_against_a_fresh_server():
    if not SUITE.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the conformance suite is missing beside the checkout: {SUITE}")
        pytest.skip("../shared/conformance is not beside this checkout")
    with LiveServer() as server:
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(SUITE)],
                             env=dict(os.environ, HEATLEDGER_URL=server.url), capture_output=True, text=True,
                             timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout
