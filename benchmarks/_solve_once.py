"""One team's solve through ``solve_week``, as JSON on stdout: the runner calls it in a subprocess.

    python benchmarks/_solve_once.py DATA WEEK [--weeks N] [--workers W] [--seed S] [--time-limit T]

It uses only what the old (fixed-shift, before 18c0952) and the current planner both have: ``load_dataset``,
``solve_week(ds, monday or mondays, workers=, seed=, time_limit_s=)`` and the Result's status, gap, runtime and
solution log, so the same script measures "before" and "after" with each worktree's own Python. Fields the old
Result does not have are null.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path)
    ap.add_argument("week")
    ap.add_argument("--weeks", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time-limit", type=float, default=20.0)
    a = ap.parse_args()
    t_import = time.perf_counter()
    from planner.dataset import load_dataset
    from planner.solver import solve_week
    from planner.timeutil import parse_week

    ds = load_dataset(a.data)
    monday = parse_week(a.week)
    mondays = [monday + dt.timedelta(weeks=k) for k in range(a.weeks)]
    t0 = time.perf_counter()
    r = solve_week(ds, mondays if a.weeks > 1 else monday, workers=a.workers, seed=a.seed, time_limit_s=a.time_limit)
    wall = time.perf_counter() - t0
    params = dict(getattr(r, "params", {}) or {})
    stages = list(getattr(r, "stages", []) or [])
    out = {
        "status": r.status,
        "gap": r.gap,
        "gap_levels": list(getattr(r, "gap_levels", []) or []),
        "objective": r.objective,
        "runtime_s": r.runtime_s,
        "solve_wall_s": wall,
        "load_s": t0 - t_import,
        # The first roster the search reported (the whole team's model; in the current code the groups solve
        # before it, and a complete hint from them is a roster at once).
        "first_s": r.progress[0][0] if r.progress else None,
        "levels": dict(getattr(r, "levels", {}) or {}),
        "check_rounds": getattr(r, "check_rounds", None),
        "greedy_levels": params.get("greedy_levels"),
        "greedy_week_levels": params.get("greedy_week_levels"),
        "groups_s": stages[0].get("seconds") if stages and "groups" in stages[0] else None,
        "stages": [{k: v for k, v in st.items() if k in ("levels", "status", "seconds", "groups")} for st in stages],
        "explanation": list(r.explanation or []),
        "officers": len(ds.officers),
    }
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
