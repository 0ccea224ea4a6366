"""Unit tests of kite_testlib's verdicts, above all when a run counts as
"KVM unavailable" (a skip): a green suite must not hide a broken KVM path
behind skips. Run by ctest as testlib.kite_testlib, or directly."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kite_testlib import accel_unavailable_reason, describe_status  # noqa: E402

UNAVAILABLE = "kite: error: kvm unavailable: open /dev/kvm: No such file or directory\n"


class AccelUnavailableReason(unittest.TestCase):
    def test_status_4_with_the_unavailable_line_is_a_skip(self):
        reason = accel_unavailable_reason(4, UNAVAILABLE)
        self.assertIsNotNone(reason)
        self.assertIn("open /dev/kvm: No such file or directory", reason)

    def test_the_line_may_follow_other_output_and_end_in_cr(self):
        text = "some log line\r\n" + UNAVAILABLE.replace("\n", "\r\n")
        self.assertIsNotNone(accel_unavailable_reason(4, text))

    def test_status_4_with_a_kvm_call_failing_is_not_a_skip(self):
        # What the old heuristic ("status 4 and mentions kvm") skipped.
        for text in ("kite: error: KVM_SET_SREGS: Invalid argument\n",
                     "kite: error: kvm: KVM_CREATE_VM: Cannot allocate memory\n",
                     "kite: error: /dev/kvm: KVM_GET_SUPPORTED_CPUID: Input/output error\n",
                     "kvm unavailable: no prefix\n",
                     "kite: error: kvm unavailable: \n",
                     ""):
            with self.subTest(text=text):
                self.assertIsNone(accel_unavailable_reason(4, text))

    def test_other_statuses_are_never_a_skip(self):
        for rc in (0, 1, 2, 6, 8, 130, -9, None):
            with self.subTest(rc=rc):
                self.assertIsNone(accel_unavailable_reason(rc, UNAVAILABLE))

    def test_not_a_skip_when_the_test_expects_status_4(self):
        self.assertIsNone(accel_unavailable_reason(4, UNAVAILABLE, expected_status=4))


class DescribeStatus(unittest.TestCase):
    def test_kites_own_statuses(self):
        self.assertEqual(describe_status(4), "4 (accelerator unavailable)")
        self.assertEqual(describe_status(6), "6 (guest failed fatally)")
        self.assertEqual(describe_status(8), "8 (accelerator failed)")

    def test_debug_exit_and_signals(self):
        self.assertEqual(describe_status(33), "33 (isa-debug-exit value 0x10)")
        self.assertEqual(describe_status(-9), "killed by signal 9")
        self.assertEqual(describe_status(130), "130 (stopped by signal 2)")


if __name__ == "__main__":
    unittest.main()
