#!/usr/bin/env python3
"""Summarise a ctest run and police its skips (used by scripts/test.sh).

Usage:
  ctest_summary.py --junit FILE [--ctest-status N]
                   [--police --allowed-skips FILE [--min-tests FILE]]

Reads the JUnit XML that `ctest --output-junit FILE` wrote and prints every
skipped test with its reason (the `SKIP: <reason>` line the test printed, or
the message of a googletest skip), then one last line:

  N passed, N failed, N skipped (N tests ran)

With --police (scripts/test.sh passes it when CI=true) the run also fails when

  * a test skipped that no line of the --allowed-skips file allows. Each line
    of that file is `NAME_REGEX | REASON_REGEX | JUSTIFICATION`: two Python
    regexes, matched against the whole test name and the whole skip reason,
    then why that skip is acceptable in CI (a line without all three fields
    is an error). Pinning the reason keeps an allowed test from skipping for
    another cause unnoticed. `#` starts a comment line;
  * fewer tests ran (passed or failed, not skipped) than the number in the
    --min-tests file (its first non-comment line), so tests that vanish or
    quietly skip cannot keep the suite green.

Exit status: 0 when ctest's status (--ctest-status) was 0, no test failed and
the policing found nothing; 1 otherwise; 2 for an unreadable input file.
"""

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass


@dataclass
class TestResult:
    name: str
    status: str  # "passed", "failed" or "skipped"
    reason: str = ""


class InputError(Exception):
    pass


def skip_reason(output, message=""):
    """The reason a skipped test gave: its `SKIP: ...` line, else the line
    after googletest's `...: Skipped`, else ctest's message."""
    lines = output.splitlines()
    for line in lines:
        line = line.strip()
        if line.startswith("SKIP:"):
            return line[len("SKIP:"):].strip()
    for i, line in enumerate(lines):
        if line.rstrip().endswith("Skipped") and i + 1 < len(lines) and lines[i + 1].strip():
            return lines[i + 1].strip()
    return message.strip() or "(no reason printed)"


def parse_junit(text):
    """[TestResult] from ctest's JUnit XML (CMake 3.21 and later)."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        raise InputError(f"not valid JUnit XML: {e}") from e
    results = []
    for case in root.iter("testcase"):
        name = case.get("name", "?")
        out = "".join(node.text or "" for node in case.iter("system-out"))
        skipped = case.find("skipped")
        status = case.get("status", "")
        if skipped is not None or status in ("notrun", "disabled"):
            message = skipped.get("message", "") if skipped is not None else status
            results.append(TestResult(name, "skipped", skip_reason(out, message)))
        elif case.find("failure") is not None or case.find("error") is not None or status == "fail":
            results.append(TestResult(name, "failed"))
        else:
            results.append(TestResult(name, "passed"))
    return results


def parse_allowed_skips(text):
    """[(name regex, reason regex, justification)] from the allowed-skips file."""
    allowed = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [part.strip() for part in line.split(" | ", 2)]
        if len(parts) < 3 or not all(parts):
            raise InputError(f"allowed skips, line {number}: '{line}' is not "
                             "'NAME_REGEX | REASON_REGEX | JUSTIFICATION'")
        try:
            allowed.append((re.compile(parts[0]), re.compile(parts[1]), parts[2]))
        except re.error as e:
            raise InputError(f"allowed skips, line {number}: bad regex: {e}") from e
    return allowed


def parse_min_tests(text):
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            try:
                return int(line)
            except ValueError as e:
                raise InputError(f"min tests: '{line}' is not a number") from e
    raise InputError("min tests: no number in the file")


@dataclass
class Policy:
    allowed: list  # [(name regex, reason regex, justification)]
    min_tests: int | None = None
    allowed_file: str = "tests/ci-allowed-skips.txt"
    min_tests_file: str = "tests/ci-min-tests.txt"


def police(results, policy):
    """The problems that fail a CI run, one line each."""
    problems = []
    for r in results:
        if r.status == "skipped" and not any(name.fullmatch(r.name) and reason.fullmatch(r.reason)
                                             for name, reason, _ in policy.allowed):
            problems.append(f"CI: {r.name} skipped ({r.reason}), and {policy.allowed_file} does not allow it")
    ran = sum(1 for r in results if r.status != "skipped")
    if policy.min_tests is not None and ran < policy.min_tests:
        problems.append(f"CI: only {ran} tests ran, fewer than the {policy.min_tests} of {policy.min_tests_file}")
    return problems


def summarise(results, ctest_status=0, policy=None):
    """(lines to print, exit status); no policing without a Policy."""
    lines = []
    skipped = [r for r in results if r.status == "skipped"]
    failed = [r for r in results if r.status == "failed"]
    passed = len(results) - len(skipped) - len(failed)
    if skipped:
        lines.append(f"Skipped tests ({len(skipped)}):")
        lines.extend(f"  {r.name}: {r.reason}" for r in skipped)
    problems = police(results, policy) if policy is not None else []
    lines.extend(problems)
    if ctest_status != 0 and not failed:
        lines.append(f"ctest exited with status {ctest_status}")
    lines.append(f"{passed} passed, {len(failed)} failed, {len(skipped)} skipped "
                 f"({passed + len(failed)} tests ran)")
    ok = ctest_status == 0 and not failed and not problems
    return lines, 0 if ok else 1


def read(path, what):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError as e:
        raise InputError(f"{what} '{path}': {e.strerror}") from e


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--junit", required=True)
    ap.add_argument("--ctest-status", type=int, default=0)
    ap.add_argument("--police", action="store_true")
    ap.add_argument("--allowed-skips")
    ap.add_argument("--min-tests")
    args = ap.parse_args(argv)
    try:
        results = parse_junit(read(args.junit, "JUnit file"))
        policy = None
        if args.police:
            if not args.allowed_skips:
                raise InputError("--police needs --allowed-skips")
            policy = Policy(parse_allowed_skips(read(args.allowed_skips, "allowed skips")),
                            parse_min_tests(read(args.min_tests, "min tests")) if args.min_tests else None,
                            args.allowed_skips, args.min_tests or "")
    except InputError as e:
        print(f"ctest_summary: {e}", file=sys.stderr)
        return 2
    lines, status = summarise(results, args.ctest_status, policy)
    print("\n".join(lines), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
