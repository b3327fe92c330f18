"""Schemathesis against the live OpenAPI document of a test server (issue 16).

The same run as ``schemathesis run …/api/v1/openapi.json --checks all``: its default
phases (examples, coverage with unknown methods and invalid values, fuzzing), every
check, each response compared with the document the server itself publishes. Bounded
by ``--max-examples`` and a fixed seed, so it stays quick and repeatable.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
MAX_EXAMPLES = 50  # per operation, for the fuzzing phase


@pytest.mark.skipif(
    not SCHEMATHESIS.exists(),
    reason=f"schemathesis is not installed next to {sys.executable} (pip install -e '.[test]')",
)
def test_schemathesis_with_every_check_finds_no_failure_in_the_live_api(live_server, tmp_path):
    junit = tmp_path / "schemathesis.xml"
    completed = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            "16",
            "--request-timeout",
            "10",
            "--report",
            "junit",
            "--report-junit-path",
            str(junit),
        ],
        cwd=tmp_path,  # its crash cache (.schemathesis/) stays out of the work tree
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-6000:]
    suites = ET.parse(junit).getroot()  # noqa: S314 - the report this test just had written
    tested = {case.get("name") for case in suites.findall(".//testcase")}
    # Every operation was tested but the document's own path, which schemathesis leaves
    # out because it loaded the document from there (test_api checks that path's 405s).
    assert tested == {"GET /api/v1/verdict", "POST /api/v1/suggest"}, output[-3000:]
    generated = re.search(r"(\d+) generated, (\d+) passed", output)
    assert generated, output[-3000:]
    assert int(generated[1]) == int(generated[2]) >= 100, output[-3000:]
    assert not suites.findall(".//failure"), output[-6000:]
    assert not suites.findall(".//error"), output[-6000:]
