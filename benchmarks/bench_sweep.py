"""Benchmark: wall time of a sickness sweep with 1 and 2 local Dask workers, and the speed-up.

Usage: .venv/bin/python benchmarks/bench_sweep.py [DATA_DIR] [--week 2027-W03] [--samples 40] [--budget 0.3]
"""

from __future__ import annotations

import argparse
import time

from planner.dataset import load_dataset
from planner.timeutil import parse_week
from planner.whatif.run import DEFAULT_SAMPLE_BUDGET, run_sweep


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("data_dir", nargs="?", default="data/demo")
    ap.add_argument("--week", default="2027-W03")
    ap.add_argument("--samples", type=int, default=40)
    ap.add_argument("--rate", type=float, default=0.06)
    ap.add_argument("--budget", type=float, default=DEFAULT_SAMPLE_BUDGET, help="deterministic s per sample")
    args = ap.parse_args()
    ds = load_dataset(args.data_dir)
    monday = parse_week(args.week)
    times = {}
    results = {}
    for workers in (1, 2):
        t0 = time.perf_counter()
        res = run_sweep(ds, monday, rate=args.rate, samples=args.samples, seed=1, processes=workers,
                        budget=args.budget)
        times[workers] = time.perf_counter() - t0
        results[workers] = res
        s = res.samples
        print(f"{workers} worker(s): {times[workers]:.1f} s for {args.samples} samples "
              f"({times[workers] / args.samples:.2f} s/sample incl. start-up); statuses "
              f"{s['status'].value_counts().to_dict()}; median gap {s['gap'].median():.2%}, max {s['gap'].max():.2%}")
    same = results[1].samples.drop(columns="gap").equals(results[2].samples.drop(columns="gap"))
    if not same:
        a, b = results[1].samples, results[2].samples
        diff = a.index[(a.drop(columns="gap") != b.drop(columns="gap")).any(axis=1)].tolist()
        stops = (int(a["wall_stop"].sum()), int(b["wall_stop"].sum()))
        print(f"samples that differ: {diff}; wall-clock stops (1, 2 workers): {stops}")
    print(f"speed-up 2 vs 1 worker: {times[1] / times[2]:.2f}x; identical KPIs: {same}")
    per = times[2] / args.samples
    print(f"extrapolated 1,000 samples on 2 workers: {per * 1000 / 60:.1f} min")


if __name__ == "__main__":
    main()
