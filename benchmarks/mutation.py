"""Mutation test of the rule layer: remove each hard rule's encoding in turn; some test must then fail.

Run: ``.venv/bin/python benchmarks/mutation.py [pytest args]`` (default: the rule tests and the property tests).
Prints a Markdown table: rule, tests run, tests failing with the encoding removed, seconds.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.rules import RULE_NAMES  # noqa: E402

DEFAULT = ["tests/test_rules.py", "tests/test_rules_property.py"]


def run(rule: str | None, args: list[str]) -> tuple[int, int, float]:
    env = dict(os.environ)
    if rule:
        env["PLANNER_MUTATE"] = rule
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True).stdout
    secs = time.perf_counter() - t0
    failed = int(m.group(1)) if (m := re.search(r"(\d+) failed", out)) else 0
    passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", out)) else 0
    return passed + failed, failed, secs


def main() -> int:
    args = sys.argv[1:] or DEFAULT
    total, failed, secs = run(None, args)
    print(f"without mutation: {total} tests, {failed} failing ({secs:.0f} s)\n")
    print("| rule removed | tests | failing | seconds |\n|---|---:|---:|---:|")
    survivors = []
    for rule in RULE_NAMES:
        total, failed, secs = run(rule, args)
        print(f"| {rule} | {total} | {failed} | {secs:.0f} |", flush=True)
        if failed == 0:
            survivors.append(rule)
    print("\nevery removal fails a test" if not survivors else f"\nsurvived: {', '.join(survivors)}")
    return 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main())
