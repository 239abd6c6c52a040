"""One command for every benchmark: writes benchmarks/RESULTS.md (machine, versions, commands, numbers).

    .venv/bin/python benchmarks/run.py            # full run (about 15 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --quick    # short run: fewer repeats, a 1,000-officer region for "national"

Each measurement that needs its own process (the national CLI run, the peers) runs as a subprocess, one after
another, so they never share the machine. Peak memory is the largest resident set of the process and its children,
sampled with psutil every 0.1 s. Machines are noisy: compare ratios within one RESULTS.md, not across runs.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._region import drop_impossible_absences  # noqa: E402
from planner.checker import check_roster  # noqa: E402
from planner.dataset import Dataset, load_dataset  # noqa: E402
from planner.demo import generate_region  # noqa: E402
from planner.solver import solve_week  # noqa: E402
from planner.timeutil import parse_week  # noqa: E402

WEEK = "2027-W03"
MONDAY = parse_week(WEEK)
PY = sys.executable
PLANNER = str(Path(PY).parent / "planner")


# --------------------------------------------------------------------------- helpers
def _machine() -> dict[str, str]:
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    for mod in ("ortools", "pandas", "highspy", "timefold", "psutil"):
        try:
            from importlib.metadata import version

            versions[mod] = version(mod)
        except Exception:  # noqa: BLE001 - an optional peer that is absent
            versions[mod] = "absent"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {
        "cores": str(os.cpu_count()),
        "memory": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "planner commit": commit.stdout.strip() or "?",
        **versions,
    }


def _with_solver(ds: Dataset, **changes: Any) -> Dataset:
    return dataclasses.replace(ds, config=dataclasses.replace(ds.config, solver=dataclasses.replace(
        ds.config.solver, **changes)))


@contextlib.contextmanager
def _search(variant: str | None) -> Iterator[None]:
    """Run solve_week with an earlier search setting, to show what each change gained.

    ``"defaults"``: CP-SAT's own search with linearization level 2 (planner before 3a6902d);
    ``"lin1"``: CP-SAT's own search with linearization level 1 (planner before c92214a).
    """
    if variant is None:
        yield
        return
    from planner.solver import solve as solve_mod

    orig = solve_mod.tune

    def tune(parameters: Any, num_workers: int) -> None:
        parameters.num_workers = num_workers
        parameters.linearization_level = 1 if variant == "lin1" else 2

    solve_mod.tune = tune  # type: ignore[assignment]
    try:
        yield
    finally:
        solve_mod.tune = orig  # type: ignore[assignment]


def _timed_solves(ds: Dataset, runs: int, workers: int, time_limit: float, variant: str | None = None
                  ) -> dict[str, Any]:
    times, objs, statuses = [], set(), set()
    with _search(variant):
        for seed in range(runs):
            r = solve_week(ds, MONDAY, workers=workers, seed=seed, time_limit_s=time_limit)
            assert not r.has_roster or check_roster(ds, r.roster, weeks=[MONDAY]) == []
            times.append(r.runtime_s)
            objs.add(r.objective)
            statuses.add(r.status)
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
            "objective": sorted(o for o in objs if o is not None), "status": sorted(statuses), "runs": runs}


def _run_measured(cmd: list[str], cwd: Path = ROOT) -> dict[str, Any]:
    """Run a command; wall time and the peak resident set of it and all its children (psutil, 0.1 s)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        with contextlib.suppress(psutil.Error):
            rss = ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True))
            peak = max(peak, rss)
        time.sleep(0.1)
    out, err = proc.communicate()
    return {"cmd": " ".join(cmd), "seconds": time.perf_counter() - t0, "peak_gib": peak / 2**30,
            "rc": proc.returncode, "stdout": out, "stderr": err}


def _one_team(src: Path, dst: Path) -> None:
    """The region in ``src`` as one basisteam: every officer and every team demand in the first team."""
    shutil.copytree(src, dst)
    off = pd.read_csv(dst / "officers.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=";")
    name = sorted(set(off["team"]))[0]
    off["team"] = name
    off.to_csv(dst / "officers.csv", index=False, sep=";")
    td = pd.read_csv(dst / "team_demand.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    td["team"] = name
    td.to_csv(dst / "team_demand.csv", index=False)


def _region(tmp: Path, name: str, officers: int, seed: int = 1) -> tuple[Path, int]:
    out = tmp / name
    generate_region(out, officers=officers, seed=seed, week=WEEK)
    return out, len(drop_impossible_absences(out, WEEK))


def _national(data: Path, out: Path, time_limit: float) -> dict[str, Any]:
    cmd = [PLANNER, "roster", str(data), "--week", WEEK, "--out", str(out), "--time-limit", f"{time_limit:g}",
           "--quiet"]
    res = _run_measured(cmd)
    summary = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else {}
    teams = summary.get("teams", [])
    gaps = [t["gap"] for t in teams if t.get("gap") is not None]
    statuses: dict[str, int] = {}
    for t in teams:
        statuses[t["status"]] = statuses.get(t["status"], 0) + 1
    res |= {"teams": len(teams), "statuses": statuses, "worst_gap": max(gaps) if gaps else None,
            "team_s_sum": sum(t["runtime_s"] for t in teams), "team_s_max": max((t["runtime_s"] for t in teams),
                                                                                  default=0.0)}
    if res["rc"] == 0:
        ds = load_dataset(data)
        from planner.roster_io import read_roster

        roster = read_roster(out / "roster.csv", ds.config.tz, set(ds.config.activities))
        t0 = time.perf_counter()
        res["breaches"] = len(check_roster(ds, roster, weeks=[MONDAY]))
        res["check_s"] = time.perf_counter() - t0
    return res


def _peer(module: str, data: Path, seconds: float) -> dict[str, Any]:
    r = subprocess.run([PY, "-m", module, str(data), WEEK, f"{seconds:g}"], cwd=ROOT, capture_output=True,
                       text=True, env=os.environ | {"PYTHONPATH": str(ROOT)})
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return {"peer": module, "error": (r.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(lines[-1])


def _reach(result: Any, objective: float | None) -> float | None:
    """Seconds after which ``result``'s search first held a roster with at most ``objective`` (its solution log)."""
    if objective is None or result is None:
        return None
    for t, obj, _bound in result.progress:
        if obj <= objective + 1e-6:
            return float(t)
    return None


# --------------------------------------------------------------------------- report
def _fmt(v: Any, nd: int = 2) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.{nd}f}"
    return str(v)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="Fewer repeats and a 1,000-officer 'national' region.")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    ap.add_argument("--national-officers", type=int, default=None)
    args = ap.parse_args()
    runs = 3 if args.quick else 5
    n_nat = args.national_officers or (1000 if args.quick else 3500)
    lines: list[str] = []
    say = lines.append
    t_start = time.perf_counter()
    machine = _machine()
    say("# Benchmark results\n")
    say(f"Written {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `{' '.join([Path(PY).name, *sys.argv])}`"
        f" ({'quick' if args.quick else 'full'} run). Compare ratios within this file, not across machines.\n")
    say("| machine | |\n|---|---|")
    for k, v in machine.items():
        say(f"| {k} | {v} |")
    say("")

    with tempfile.TemporaryDirectory(prefix="planner-bench-") as tmpdir:
        tmp = Path(tmpdir)
        demo = load_dataset(ROOT / "data" / "demo")

        # 1. the demo team to proven optimum, and what each change gained
        say("## Demo team (22 officers, 2027-W03) to proven optimum\n")
        say(f"`solve_week` (build, bounds, solve, read back), median of {runs} seeds, time limit 60 s.\n")
        say("| variant | workers | median s | min s | max s | status | objective |\n|---|---|---|---|---|---|---|")
        variants = [
            ("default (LP search, no probing, LP up front, linearization 2)", demo, None, (1, 2)),
            ("CP-SAT's own search, linearization 2 (before 3a6902d)", demo, "defaults", (1, 2)),
            ("CP-SAT's own search, linearization 1 (before c92214a)", demo, "lin1", (1,)),
            ("default + wijk-group bound and hint (`[solver] group_bound`)", _with_solver(demo, group_bound=True),
             None, (1,)),
        ]
        for label, ds, variant, worker_counts in variants:
            for w in worker_counts:
                m = _timed_solves(ds, runs, w, 60, variant)
                say(f"| {label} | {w} | {m['median_s']:.2f} | {m['min_s']:.2f} | {m['max_s']:.2f} | "
                    f"{'/'.join(m['status'])} | {', '.join(f'{o:,.0f}' for o in m['objective'])} |")
                print(lines[-1], flush=True)
        say("")

        # 2. a 60-officer team
        r60, dropped60 = _region(tmp, "r60", 60, seed=3)
        _one_team(r60, tmp / "team60")
        t60 = load_dataset(tmp / "team60")
        say("## One team of 60 officers\n")
        say(f"`planner demo-data --officers 60 --seed 3`, every officer put in one basisteam "
            f"({len(t60.officers)} officers, {dropped60} officers' impossible absences dropped).\n")
        say("| variant | workers | median s | min s | max s | status | objective |\n|---|---|---|---|---|---|---|")
        for label, variant, w in (("default", None, 1), ("default", None, 2),
                                  ("CP-SAT's own search (before 3a6902d)", "defaults", 2)):
            m = _timed_solves(t60, max(1, runs - 2), w, 60, variant)
            say(f"| {label} | {w} | {m['median_s']:.2f} | {m['min_s']:.2f} | {m['max_s']:.2f} | "
                f"{'/'.join(m['status'])} | {', '.join(f'{o:,.0f}' for o in m['objective'])} |")
            print(lines[-1], flush=True)
        say("")

        # 3. peers on the same instances, each in its own process
        say("## Peers on the same instance, same machine, one after another\n")
        say("Each peer gets the same model (planner's `build_model` over the same Instance) and one thread. "
            "`objective` is planner's own objective recomputed from planner's named penalty terms; `breaches` "
            "is planner's checker on the roster read back through planner's `extract_roster`. CP-SAT here is "
            "`solve_week` with 1 worker (it stops when the optimum is proven).\n")
        say("`search s` is the time spent searching (CP-SAT: `solve_week` in total; HiGHS: `run()`; Timefold: its "
            "spent limit, after starting the JVM and translating the constraints). `CP-SAT reaches it after s` is "
            "when planner's CP-SAT (one thread, same instance) first held a roster at least as good as that row's "
            "objective, from its solution log; `× sooner` is the peer's search s over that time.\n")
        say("| instance | solver | budget s | wall s | search s | status | objective | proven bound | "
            "ratio to CP-SAT | CP-SAT reaches it after s | × sooner | breaches |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|")
        peer_best: list[tuple[str, str, float, float, float | None]] = []
        for inst_name, folder, ds in (("demo (22)", ROOT / "data" / "demo", demo), ("team of 60", tmp / "team60", t60)):
            best: dict[str, tuple[float, float]] = {}
            longest = None
            for budget in (10, 30):
                ours = solve_week(ds, MONDAY, workers=1, seed=0, time_limit_s=budget)
                longest = ours
                ob = len(check_roster(ds, ours.roster, weeks=[MONDAY])) if ours.has_roster else None
                say(f"| {inst_name} | CP-SAT (planner) | {budget} | {ours.runtime_s:.2f} | {ours.runtime_s:.2f} | "
                    f"{ours.status} | {_fmt(ours.objective, 0)} | {_fmt(ours.bound, 0)} | 1.000 | "
                    f"{_fmt(_reach(ours, ours.objective))} | - | {_fmt(ob)} |")
                print(lines[-1], flush=True)
                for module, label, search_s in (
                    ("benchmarks.peers.highs_mip", "HiGHS {version} MIP", lambda p: p["solve_seconds"]),
                    ("benchmarks.peers.timefold_peer", "Timefold 1.24.0b0 (discontinued beta, JVM bridge)",
                     lambda p, b=budget: min(float(b), p.get("solve_seconds") or b)),
                ):
                    peer = _peer(module, folder, budget)
                    name = label.format(version=peer.get("version", ""))
                    if "error" in peer or peer.get("objective") is None:
                        why = peer.get("error") or f"no roster ({peer.get('status')})"
                        say(f"| {inst_name} | {name} | {budget} | - | - | error: {why} | - | - | - | - | - | - |")
                        print(lines[-1], flush=True)
                        continue
                    ratio = peer["objective"] / ours.objective if ours.objective else None
                    t_peer = float(search_s(peer))
                    t_ours = _reach(ours, peer["objective"])
                    sooner = t_peer / t_ours if t_ours else None
                    say(f"| {inst_name} | {name} | {budget} | {peer['seconds']:.2f} | {t_peer:.2f} | "
                        f"{peer['status']} | {_fmt(peer['objective'], 0)} | {_fmt(peer['bound'], 0)} | "
                        f"{_fmt(ratio, 3)} | {_fmt(t_ours)} | {_fmt(sooner, 1)} | {_fmt(peer['breaches'])} |")
                    print(lines[-1], flush=True)
                    key = name.split(" ")[0]
                    if key not in best or peer["objective"] < best[key][0]:
                        best[key] = (peer["objective"], t_peer)
            for key, (obj, t_peer) in best.items():
                t_ours = _reach(longest, obj) if longest is not None else None
                peer_best.append((inst_name, key, obj, t_peer, t_ours))
        say("")
        say("Goal \"we reach the peers' best quality at least 5× sooner\", per instance and peer (the peer's best "
            "objective over its budgets, the search time it needed, and when CP-SAT first held a roster as good):\n")
        say("| instance | peer | peer's best objective | peer search s | CP-SAT s | × sooner | goal 5× |\n"
            "|---|---|---|---|---|---|---|")
        for inst_name, key, obj, t_peer, t_ours in peer_best:
            sooner = t_peer / t_ours if t_ours else None
            say(f"| {inst_name} | {key} | {obj:,.0f} | {t_peer:.2f} | {_fmt(t_ours)} | {_fmt(sooner, 1)} | "
                f"{'met' if sooner and sooner >= 5 else 'not met'} |")
        say("")
        say("Timefold Solver for Python (`timefold==1.24.0b0`, a discontinued beta whose constraint lambdas run "
            "through a bridge to the JVM) gets its own model of the same Instance "
            "(`benchmarks/peers/timefold_peer.py`): "
            "one planning entity per officer and day (an allowed shift or off) and one per officer, segment and "
            "`resolution_min` chunk where the work has a choice (a presence window of an own wijk, a team demand, or "
            "plain own-wijk time), every rule of `HARD_RULES` as a hard constraint stream and every soft term with "
            "planner's coefficients; none is expressed more strictly, except that a chunk left to plain own-wijk time "
            "covers no demand in Timefold's own score. It has no proven bound. Its `wall s` includes starting the JVM "
            "and translating the constraints (about 10 s); its roster goes through planner's `extract_roster`, "
            "`breaches` is planner's checker and `objective` is planner's objective of that roster (planner's model "
            "with every shift fixed to the roster's, `planner_objective`).\n")

        # 4. regions through `planner roster`
        say("## Regions through `planner roster` (all teams in parallel processes, one combined output)\n")
        say("| region | officers | teams | dropped | command | wall s | peak GiB | Σ team s | slowest team s | "
            "statuses | worst gap | checker breaches |\n|---|---|---|---|---|---|---|---|---|---|---|---|")
        r400, d400 = _region(tmp, "r400", 400)
        rnat, dnat = _region(tmp, "national", n_nat)
        for name, folder, n, dropped, tl in (("≈400", r400, 400, d400, 5), ("national", rnat, n_nat, dnat, 5)):
            res = _national(folder, tmp / f"{name}-out", tl)
            cmd = res["cmd"].replace(str(tmp) + "/", "")
            say(f"| {name} | {n} | {res['teams']} | {dropped} | `{cmd}` | {res['seconds']:.1f} | "
                f"{res['peak_gib']:.2f} | {res['team_s_sum']:.0f} | {res['team_s_max']:.1f} | "
                f"{', '.join(f'{k} {v}' for k, v in sorted(res['statuses'].items()))} | "
                f"{_fmt(res['worst_gap'] * 100 if res['worst_gap'] is not None else None, 2)} % | "
                f"{_fmt(res.get('breaches'))} |")
            print(lines[-1], flush=True)
            if res["rc"] != 0:
                say(f"\n`{cmd}` exited {res['rc']}: {res['stderr'][-500:]}\n")
        say("")
        say("`dropped`: officers whose generated absences make their week impossible on its own (see "
            "`benchmarks/_region.py`); their absence rows are removed before the run.\n")

        # 5. map and report for the national region
        nat_out = tmp / "national-out"
        say("## Map and report for the national region\n")
        say("| command | wall s | peak GiB | output MiB | rc |\n|---|---|---|---|---|")
        for cmd, target in (
            ([PLANNER, "map", str(rnat), "--roster", str(nat_out / "roster.csv"), "--out", str(tmp / "nl.html")],
             tmp / "nl.html"),
            ([PLANNER, "report", str(rnat), "--period", WEEK, "--roster", str(nat_out / "roster.csv"), "--format",
              "html", "--out", str(tmp / "report.html")], tmp / "report.html"),
        ):
            if not (nat_out / "roster.csv").exists():
                break
            res = _run_measured(cmd)
            size = target.stat().st_size / 2**20 if target.exists() else 0.0
            say(f"| `{res['cmd'].replace(str(tmp) + '/', '')}` | {res['seconds']:.1f} | {res['peak_gib']:.2f} | "
                f"{size:.1f} | {res['rc']} |")
            print(lines[-1], flush=True)
        say("")
    say(f"Total benchmark time {time.perf_counter() - t_start:.0f} s.")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
