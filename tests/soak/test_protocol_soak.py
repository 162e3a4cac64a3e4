"""The protocol state machine of tests/server/test_protocol_properties.py with 10,000 examples.

Deselected unless HEATLEDGER_SOAK=1 (tests/conftest.py); run it with
`HEATLEDGER_SOAK=1 .venv/bin/python -m pytest tests/soak -m soak -q` (an hour or more).
"""
import os

import pytest

from tests.server.test_protocol_properties import run_machine


@pytest.mark.soak
def test_the_protocol_holds_over_ten_thousand_runs(template, tmp_path):
    run_machine(template, tmp_path, int(os.environ.get("HEATLEDGER_SOAK_EXAMPLES", "10000")))
