"""Run unittest classes and write one JSON record per test (and per failing subtest), so
the vitest side reports each check by name: `python run_unittest.py OUT.json module.Class...`."""
from __future__ import annotations

import json
import sys
import traceback
import unittest
from typing import Any


MARKER = "--- replab test: "
RANK = {"ok": 0, "skip": 1, "fail": 2, "error": 3}


class Recorder(unittest.TestResult):
    def __init__(self) -> None:
        super().__init__()
        self.records: dict[str, dict[str, Any]] = {}

    def _record(self, test: Any, outcome: str, detail: str = "") -> None:
        case = getattr(test, "test_case", test)  # a subtest reports under its test
        # setUpClass failures arrive as an _ErrorHolder with no method name: keep its description.
        name = getattr(case, "_testMethodName", None) or str(case)
        record = self.records.setdefault(name, {"outcome": "ok", "detail": ""})
        # A test is as bad as its worst subtest.
        if RANK[outcome] > RANK[record["outcome"]]:
            record["outcome"] = outcome
        if detail:
            record["detail"] += detail + "\n"

    def startTest(self, test: Any) -> None:
        super().startTest(test)
        # A marker in stderr, where the kernels' own logs go: a failure's report can then
        # quote what its kernel said during that test (unittest.ts, explain).
        name = getattr(test, "_testMethodName", str(test))
        sys.stderr.write(f"{MARKER}{name}\n")
        sys.stderr.flush()

    def addSuccess(self, test: Any) -> None:
        self._record(test, "ok")

    def addFailure(self, test: Any, err: Any) -> None:
        self._record(test, "fail", "".join(traceback.format_exception(*err)))

    def addError(self, test: Any, err: Any) -> None:
        self._record(test, "error", "".join(traceback.format_exception(*err)))

    def addSkip(self, test: Any, reason: str) -> None:
        self._record(test, "skip", reason)

    def addSubTest(self, test: Any, subtest: Any, err: Any) -> None:
        if err is None:
            return
        outcome = "fail" if issubclass(err[0], test.failureException) else "error"
        if issubclass(err[0], unittest.SkipTest):
            outcome = "skip"
        self._record(test, outcome, f"{subtest}: " + "".join(traceback.format_exception(*err)))


def main() -> int:
    out, names = sys.argv[1], sys.argv[2:]
    suite = unittest.defaultTestLoader.loadTestsFromNames(names)
    result = Recorder()
    suite.run(result)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result.records, f, indent=1)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
