"""Two checks for unittest-log.test.ts: each writes to stderr as a kernel's log would, and the
second fails, so its report must quote its own stderr and not the first's."""
import sys
import unittest


class Logs(unittest.TestCase):
    def test_a_quiet_pass(self) -> None:
        sys.stderr.write("[replab] said during the passing check\n")

    def test_b_fails_after_a_log_line(self) -> None:
        sys.stderr.write("[replab] engine: said during the failing check\n")
        self.fail("no reply within 60 s")
