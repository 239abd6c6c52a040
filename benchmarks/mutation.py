"""Mutation test of the rule layer: remove each hard rule's encoding in turn; some test must then fail.

Run: ``.venv/bin/python benchmarks/mutation.py [pytest args]`` (default: the rule tests and the property tests).
``PLANNER_MUTATE=<rule>`` (tests/conftest.py) replaces that rule's ``encode`` and ``allows`` with no-ops for the
whole pytest session, for every rule of ``planner.rules.RULE_NAMES``.

A test that already fails without any mutation proves nothing about a rule, so a rule counts as caught only by a
test that passes unmutated and fails mutated ("newly failing"). Prints a Markdown table: rule, tests run, tests
failing, newly failing, seconds; exit 1 if some rule's removal fails no test that passed before.
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


def run(rule: str | None, args: list[str]) -> tuple[int, set[str], float]:
    """Tests run, the ids of the failing ones (failed or errored), seconds."""
    env = dict(os.environ)
    env.pop("PLANNER_MUTATE", None)
    if rule:
        env["PLANNER_MUTATE"] = rule
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rfE", "--tb=no", "-p", "no:cacheprovider", *args],
                         cwd=ROOT, env=env, capture_output=True, text=True).stdout
    secs = time.perf_counter() - t0
    failing = {m.group(2) for m in re.finditer(r"^(FAILED|ERROR) (\S+)", out, re.MULTILINE)}
    counts = {k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|errors?)", out)}
    total = counts.get("passed", 0) + counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
    return total, failing, secs


def main() -> int:
    args = sys.argv[1:] or DEFAULT
    total, base, secs = run(None, args)
    print(f"without mutation: {total} tests, {len(base)} failing ({secs:.0f} s)"
          + (f": {', '.join(sorted(base))}" if base else "") + "\n", flush=True)
    print("| rule removed | tests | failing | newly failing | seconds |\n|---|---:|---:|---:|---:|")
    survivors = []
    for rule in RULE_NAMES:
        total, failing, secs = run(rule, args)
        new = failing - base
        print(f"| {rule} | {total} | {len(failing)} | {len(new)} | {secs:.0f} |", flush=True)
        if not new:
            survivors.append(rule)
    print("\nevery removal fails a test that passed before" if not survivors
          else f"\nsurvived (no test that passed before fails): {', '.join(survivors)}")
    return 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main())
