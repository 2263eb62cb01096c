"""Reads a JUnit XML report with junitparser and prints what it saw as JSON:
per suite its counts as written and as junitparser recounts them, and its
cases with their failures and their system-out."""

import json
import sys

from junitparser import Failure, JUnitXml, TestSuite

xml = JUnitXml.fromfile(sys.argv[1])
suites = []
for suite in xml:
    assert isinstance(suite, TestSuite), type(suite)
    written = {"tests": suite.tests, "failures": suite.failures, "errors": suite.errors}
    suite.update_statistics()
    recounted = {"tests": suite.tests, "failures": suite.failures, "errors": suite.errors}
    cases = []
    for case in suite:
        failures = [
            {"type": r.type, "message": r.message, "text": r.text}
            for r in case.result
            if isinstance(r, Failure)
        ]
        cases.append(
            {
                "name": case.name,
                "classname": case.classname,
                "failures": failures,
                "system_out": case.system_out or "",
            }
        )
    suites.append({"name": suite.name, "written": written, "recounted": recounted, "cases": cases})
totals = {"tests": xml.tests, "failures": xml.failures, "errors": xml.errors}
print(json.dumps({"suites": suites, "totals": totals}))
