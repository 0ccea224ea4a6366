#!/usr/bin/env python3
"""Unit tests of ctest_summary.py, fed a JUnit file as ctest 3.25 writes it."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ctest_summary as cs  # noqa: E402

# Shaped like `ctest --output-junit` output: a pass, a failure, a `SKIP:`
# skip, a googletest skip, a timeout and a disabled test.
JUNIT = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="(empty)" tests="6" failures="2" disabled="1" skipped="2" hostname="" time="1">
  <testcase name="ok" classname="ok" time="0.01" status="run">
    <system-out>hello
</system-out>
  </testcase>
  <testcase name="bad" classname="bad" time="0.01" status="fail">
    <failure message=""/>
    <system-out>oops
</system-out>
  </testcase>
  <testcase name="riscv.skip" classname="riscv.skip" time="0.01" status="notrun">
    <skipped message="SKIP_RETURN_CODE=77"/>
    <system-out>starting
SKIP: no &lt;cross&gt; compiler
</system-out>
  </testcase>
  <testcase name="Kvm.Smoke" classname="Kvm.Smoke" time="0.01" status="notrun">
    <skipped message="SKIP_REGULAR_EXPRESSION_MATCHED"/>
    <system-out>[ RUN      ] Kvm.Smoke
foo.cpp:12: Skipped
/dev/kvm is missing

[  SKIPPED ] Kvm.Smoke (0 ms)
</system-out>
  </testcase>
  <testcase name="slow" classname="slow" time="1.01" status="fail">
    <failure message=""/>
    <system-out></system-out>
  </testcase>
  <testcase name="dis" classname="dis" time="0" status="disabled">
    <system-out>Disabled</system-out>
  </testcase>
</testsuite>
"""

ALL_PASS = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite tests="3" failures="0" disabled="0" skipped="1">
  <testcase name="a" status="run"><system-out/></testcase>
  <testcase name="b" status="run"><system-out/></testcase>
  <testcase name="riscv.skip" status="notrun"><skipped message="SKIP_RETURN_CODE=77"/>
    <system-out>SKIP: no images</system-out></testcase>
</testsuite>
"""


class ParseTest(unittest.TestCase):
    def test_statuses_and_reasons(self):
        results = {r.name: r for r in cs.parse_junit(JUNIT)}
        self.assertEqual([r.status for r in results.values()],
                         ["passed", "failed", "skipped", "skipped", "failed", "skipped"])
        self.assertEqual(results["riscv.skip"].reason, "no <cross> compiler")
        self.assertEqual(results["Kvm.Smoke"].reason, "/dev/kvm is missing")
        self.assertEqual(results["dis"].reason, "disabled")

    def test_bad_xml(self):
        with self.assertRaises(cs.InputError):
            cs.parse_junit("<testsuite><testcase")

    def test_allowed_skips_file(self):
        allowed = cs.parse_allowed_skips("# comment\n\nriscv\\..* | no images | images are built elsewhere\n")
        self.assertEqual(len(allowed), 1)
        self.assertEqual(allowed[0][2], "images are built elsewhere")
        with self.assertRaises(cs.InputError):
            cs.parse_allowed_skips("riscv\\..* | no images\n")  # no justification
        with self.assertRaises(cs.InputError):
            cs.parse_allowed_skips("riscv\\..*  images are built elsewhere\n")  # no reason field
        with self.assertRaises(cs.InputError):
            cs.parse_allowed_skips("riscv( | x | why\n")  # bad regex

    def test_min_tests_file(self):
        self.assertEqual(cs.parse_min_tests("# raise me\n 42\n"), 42)
        with self.assertRaises(cs.InputError):
            cs.parse_min_tests("# nothing\n")


class SummaryTest(unittest.TestCase):
    def test_counts_line_is_last_and_failures_fail(self):
        lines, status = cs.summarise(cs.parse_junit(JUNIT), ctest_status=8)
        self.assertEqual(lines[-1], "1 passed, 2 failed, 3 skipped (3 tests ran)")
        self.assertIn("  riscv.skip: no <cross> compiler", lines)
        self.assertIn("  Kvm.Smoke: /dev/kvm is missing", lines)
        self.assertEqual(status, 1)

    def test_green_run_without_policing(self):
        lines, status = cs.summarise(cs.parse_junit(ALL_PASS))
        self.assertEqual(status, 0)
        self.assertEqual(lines[-1], "2 passed, 0 failed, 1 skipped (2 tests ran)")

    def test_ctest_status_alone_fails(self):
        _, status = cs.summarise(cs.parse_junit(ALL_PASS), ctest_status=8)
        self.assertEqual(status, 1)

    def test_unlisted_skip_fails_under_police(self):
        lines, status = cs.summarise(cs.parse_junit(ALL_PASS), policy=cs.Policy([]))
        self.assertEqual(status, 1)
        self.assertTrue(any("riscv.skip skipped (no images)" in line for line in lines))
        self.assertTrue(lines[-1].startswith("2 passed"))

    def test_listed_skip_passes_under_police(self):
        allowed = cs.parse_allowed_skips("riscv\\.skip | no images | images come from another job\n")
        _, status = cs.summarise(cs.parse_junit(ALL_PASS), policy=cs.Policy(allowed, 2))
        self.assertEqual(status, 0)

    def test_regex_must_match_the_whole_name(self):
        allowed = cs.parse_allowed_skips("riscv | no images | too short to match riscv.skip\n")
        _, status = cs.summarise(cs.parse_junit(ALL_PASS), policy=cs.Policy(allowed))
        self.assertEqual(status, 1)

    def test_allowed_test_skipping_for_another_reason_fails(self):
        allowed = cs.parse_allowed_skips("riscv\\.skip | no compiler | only the compiler may be missing\n")
        lines, status = cs.summarise(cs.parse_junit(ALL_PASS), policy=cs.Policy(allowed))
        self.assertEqual(status, 1)
        self.assertTrue(any("riscv.skip skipped (no images)" in line for line in lines))

    def test_too_few_tests_fail_under_police(self):
        allowed = cs.parse_allowed_skips("riscv\\.skip | no images | fine\n")
        lines, status = cs.summarise(cs.parse_junit(ALL_PASS), policy=cs.Policy(allowed, 3))
        self.assertEqual(status, 1)
        self.assertIn("CI: only 2 tests ran, fewer than the 3 of tests/ci-min-tests.txt", lines)


class MainTest(unittest.TestCase):
    def test_command_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            junit = os.path.join(tmp, "junit.xml")
            allowed = os.path.join(tmp, "allowed.txt")
            floor = os.path.join(tmp, "min.txt")
            with open(junit, "w") as f:
                f.write(ALL_PASS)
            with open(allowed, "w") as f:
                f.write("# none\n")
            with open(floor, "w") as f:
                f.write("2\n")
            self.assertEqual(cs.main(["--junit", junit]), 0)
            self.assertEqual(cs.main(["--junit", junit, "--police", "--allowed-skips", allowed,
                                      "--min-tests", floor]), 1)
            self.assertEqual(cs.main(["--junit", os.path.join(tmp, "missing.xml")]), 2)


if __name__ == "__main__":
    unittest.main()
