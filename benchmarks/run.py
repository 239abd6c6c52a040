"""One command for every benchmark: writes benchmarks/RESULTS.md (machine, versions, exact commands, numbers).

    .venv/bin/python benchmarks/run.py                          # full run (about 35 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --quick                  # short run: one seed, short limits, 1,000 officers
    .venv/bin/python benchmarks/run.py --before ../planner-old  # also the same commands on an older checkout

Every measurement is a command in its own process (`planner ...`, or `benchmarks/_solve_once.py` for one team's
``solve_week`` with its solution log), one after another, so they never share the machine with each other. The
commands are printed in RESULTS.md exactly as run (temporary folders shortened to their names). Wall time is
measured around the process; peak memory is the largest resident set of the process and its children, sampled
with psutil every 0.1 s; the load average (1 min) is read before and after each measurement, because the machine
may be shared. Machines are noisy: compare ratios within one RESULTS.md, not across runs.

``--before DIR``: a checkout of an older planner with its own ``.venv`` (e.g. ``git worktree add ../planner-old
1b370d5`` and ``python -m venv .venv && .venv/bin/pip install -e .`` there). Its rows use its own ``data/demo``
and its own ``planner demo-data``: before 18c0952 the model had four fixed 8-hour shift types, so "before" solved a
different, smaller model.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parent.parent
WEEK = "2027-W03"
WEEKS4 = ["2027-W03", "2027-W04", "2027-W05", "2027-W06"]
SOLVE_ONCE = ROOT / "benchmarks" / "_solve_once.py"
#: Terms of the ordered objective a planner reads in the period table, with the unit of the values shown.
TERMS = (
    ("norm", "h below the 80 % norm (only with --allow-breaches)"),
    ("balance_limit", "h of hours balance beyond its limits"),
    ("wijk_demand", "priority-weighted h of wijk presence unmet"),
    ("team_demand", "h of team demand unmet"),
    ("hours", "weighted h of hours balance away from zero"),
    ("fairness", "busiest officer's weighted nights, evenings, weekend shifts"),
    ("wishes", "wished days off worked"),
)


class Code:
    """A planner checkout: its root (data/demo), its Python and its planner command."""

    def __init__(self, name: str, root: Path) -> None:
        self.name, self.root = name, root
        self.python = str(root / ".venv" / "bin" / "python")
        self.planner = str(root / ".venv" / "bin" / "planner")
        r = subprocess.run(["git", "log", "-1", "--format=%h %cd", "--date=short"], cwd=root, capture_output=True,
                           text=True)
        self.commit = r.stdout.strip() or "?"


# --------------------------------------------------------------------------- measuring
def _load() -> float:
    return os.getloadavg()[0]


def run_measured(cmd: list[str], cwd: Path = ROOT, timeout: float | None = None) -> dict[str, Any]:
    """Run a command; wall time, peak resident set of it and all its children (psutil, 0.1 s), load before/after.
    After ``timeout`` seconds it gets SIGTERM (planner keeps its best roster and exits 143), then SIGKILL 60 s on."""
    load0 = _load()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    ps = psutil.Process(proc.pid)
    peak = 0
    stopped = False
    out_chunks: list[str] = []
    while proc.poll() is None:
        with contextlib.suppress(psutil.Error):
            rss = ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True))
            peak = max(peak, rss)
        if timeout is not None and not stopped and time.perf_counter() - t0 > timeout:
            stopped = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        if stopped and time.perf_counter() - t0 > timeout + 60:  # type: ignore[operator]
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        time.sleep(0.1)
    out, err = proc.communicate()
    out_chunks.append(out)
    return {"cmd": cmd, "seconds": time.perf_counter() - t0, "peak_gib": peak / 2**30, "rc": proc.returncode,
            "stdout": "".join(out_chunks), "stderr": err, "load": (load0, _load()), "stopped": stopped}


def solve_once(code: Code, data: Path, *, workers: int, seed: int, limit: float, weeks: int = 1) -> dict[str, Any]:
    cmd = [code.python, str(SOLVE_ONCE), str(data), WEEK, "--workers", str(workers), "--seed", str(seed),
           "--time-limit", f"{limit:g}"] + (["--weeks", str(weeks)] if weeks > 1 else [])
    res = run_measured(cmd, cwd=code.root)
    lines = [ln for ln in res["stdout"].splitlines() if ln.startswith("{")]
    res["result"] = json.loads(lines[-1]) if lines else {"status": f"error: {(res['stderr'].strip() or '?')[-300:]}"}
    return res


def roster_cli(code: Code, data: Path, out: Path, *extra: str, week: str = WEEK, timeout: float | None = None
               ) -> dict[str, Any]:
    cmd = [code.planner, "roster", str(data), "--week", week, "--out", str(out), *extra, "--quiet"]
    res = run_measured(cmd, cwd=code.root, timeout=timeout)
    res["summary"] = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else {}
    return res


def check_cli(code: Code, roster: Path, data: Path, json_out: Path) -> dict[str, Any]:
    res = run_measured([code.planner, "check", str(roster), str(data), "--json", str(json_out)], cwd=code.root)
    doc = json.loads(json_out.read_text()) if json_out.exists() else {}
    res["breaches"] = len(doc["breaches"]) if "breaches" in doc else None
    res["beyond"] = doc.get("balance_beyond_limits", [])
    return res


def demo_data(code: Code, out: Path, officers: int, seed: int) -> dict[str, Any]:
    return run_measured([code.planner, "demo-data", str(out), "--officers", str(officers), "--seed", str(seed)],
                        cwd=code.root)


def one_team(src: Path, dst: Path) -> int:
    """The region in ``src`` as one basisteam: every officer and every team demand in the first team."""
    shutil.copytree(src, dst)
    off = pd.read_csv(dst / "officers.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=";")
    name = sorted(set(off["team"]))[0]
    off["team"] = name
    off.to_csv(dst / "officers.csv", index=False, sep=";")
    td = pd.read_csv(dst / "team_demand.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if "team" in td.columns:
        td["team"] = name
    td.to_csv(dst / "team_demand.csv", index=False)
    return len(off)


# --------------------------------------------------------------------------- formatting
class Report:
    def __init__(self, path: Path, tmp: Path) -> None:
        self.path, self.tmp, self.lines = path, tmp, []  # type: ignore[var-annotated]

    def say(self, text: str = "") -> None:
        self.lines.append(text)
        print(text, flush=True)

    def cmd(self, res: dict[str, Any]) -> str:
        """The command as run, with temporary folders and this checkout shortened."""
        s = " ".join(str(c) for c in res["cmd"])
        s = s.replace(str(self.tmp) + "/", "").replace(str(ROOT) + "/", "")
        return f"`{s}`"

    def flush(self) -> None:
        self.path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")


def f(v: Any, nd: int = 2, pct: bool = False) -> str:
    if v is None:
        return "-"
    if pct:
        return f"{100 * v:.{nd}f} %"
    if isinstance(v, float):
        return f"{v:,.{nd}f}"
    return str(v)


def note(r: dict[str, Any]) -> str:
    """What the run said about its status, shortened (e.g. that it planned again with more time)."""
    text = " / ".join(r.get("explanation") or [])
    return text[:140] + ("…" if len(text) > 140 else "") if text else ""


def load(res: dict[str, Any]) -> str:
    return f"{res['load'][0]:.2f} → {res['load'][1]:.2f}"


def _machine(codes: list[Code]) -> dict[str, str]:
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    from importlib.metadata import version

    out = {"cores": str(os.cpu_count()), "memory": f"{psutil.virtual_memory().total / 2**30:.1f} GiB", "cpu": cpu,
           "os": platform.platform(), "python": platform.python_version()}
    for c in codes:
        out[f"planner ({c.name})"] = c.commit
    for mod in ("ortools", "pandas", "psutil"):
        with contextlib.suppress(Exception):
            out[mod] = version(mod)
    return out


# --------------------------------------------------------------------------- sections
def demo_week(rep: Report, codes: list[Code], seeds: list[int], limit: float, long_limit: float | None) -> list:
    say = rep.say
    say("## A. Demo week (data/demo, 2027-W03) — goal ≤ 2 s to a proven optimum (issue 15)\n")
    say(f"Each row is one process: `benchmarks/_solve_once.py` (load the data, `solve_week`, read the roster back; "
        f"JSON out) with a time limit of {limit:g} s. `first roster s`: when the search first reported a roster "
        "(current code: the whole team's model, after the groups; its first solution is the groups' roster "
        "completed). `solve s`: `solve_week` in all (stops at a proven optimum or the limit). `gap` is the gap "
        "of the first stage not proven optimal, named in `gap on`; `check rounds` is how often the exact check cut "
        "a roster off and the model was solved again.\n")
    if len(codes) > 1:
        say(f"\"before\" is commit {codes[1].commit}, the last commit before the flexible-shift rewrite (18c0952): "
            "four fixed 8-hour shift types, one weighted objective, no team travel, its own data/demo (the same "
            "officers, absences, wishes and demand; fixed shifts). It solved a different, much smaller model; the "
            "comparison is what a planner waits for, not like for like.\n")
    say("| code | workers | seed | first roster s | solve s | process wall s | status | gap | gap on | check rounds "
        "| note | load 1 min | command |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    for code in codes:
        for w in (1, 2):
            for s in seeds:
                res = solve_once(code, code.root / "data" / "demo", workers=w, seed=s, limit=limit)
                r = res["result"]
                rows.append((code.name, w, s, r))
                say(f"| {code.name} | {w} | {s} | {f(r.get('first_s'))} | {f(r.get('runtime_s'))} | "
                    f"{res['seconds']:.2f} | {r['status']} | {f(r.get('gap'), 1, True)} | "
                    f"{', '.join(r.get('gap_levels') or []) or '-'} | {f(r.get('check_rounds'))} | {note(r)} | "
                    f"{load(res)} | {rep.cmd(res)} |")
                rep.flush()
        if long_limit and code is codes[0]:
            res = solve_once(code, code.root / "data" / "demo", workers=2, seed=0, limit=long_limit)
            r = res["result"]
            rows.append((code.name, 2, 0, r))
            say(f"| {code.name} | 2 | 0 | {f(r.get('first_s'))} | {f(r.get('runtime_s'))} | {res['seconds']:.2f} | "
                f"{r['status']} | {f(r.get('gap'), 1, True)} | {', '.join(r.get('gap_levels') or []) or '-'} | "
                f"{f(r.get('check_rounds'))} | {note(r)} | {load(res)} | {rep.cmd(res)} |")
            rep.flush()
    say("")
    say("The same week through the CLI (what a planner types; includes imports and writing every output):\n")
    say("| code | process wall s | peak GiB | status | gap | gap on | load 1 min | command |\n"
        "|---|---|---|---|---|---|---|---|")
    for code in codes:
        res = roster_cli(code, code.root / "data" / "demo", rep.tmp / f"demo-{code.name}", "--time-limit",
                         f"{limit:g}", "--workers", "2")
        s = res["summary"]
        say(f"| {code.name} | {res['seconds']:.2f} | {res['peak_gib']:.2f} | {s.get('status')} | "
            f"{f(s.get('gap'), 1, True)} | {', '.join(s.get('gap_levels') or []) or '-'} | {load(res)} | "
            f"{rep.cmd(res)} |")
        rep.flush()
    say("")
    stage_rows = [(n, w, s, r) for n, w, s, r in rows if r.get("stages")]
    if stage_rows:
        say("Where the current code spends the time (stages of the first current-code row with each worker count: "
            "the groups' levels side by side, then the whole team's stages; seconds as CP-SAT reports them):\n")
        seen = set()
        for _n, w, s, r in stage_rows:
            if w in seen:
                continue
            seen.add(w)
            parts = [f"{'+'.join(st.get('levels') or ['-'])}"
                     + (f" ({st['groups']} groups)" if st.get("groups") else "")
                     + f": {st.get('status')} {f(st.get('seconds'))} s" for st in r["stages"]]
            say(f"- {w} worker(s), seed {s}: " + "; ".join(parts))
        say("")
    return rows


def team60(rep: Report, codes: list[Code], limit: float) -> list:
    say = rep.say
    say("## B. One team of 60 officers — goal ≤ 20 s (issue 15)\n")
    say("`planner demo-data r60 --officers 60 --seed 3`, then every officer and every team demand put in the first "
        f"basisteam (as the earlier benchmark did); `solve_week` with a time limit of {limit:g} s.\n")
    say("| code | workers | first roster s | solve s | status | gap | gap on | check rounds | note | load 1 min | "
        "command |\n|---|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    for code in codes:
        src, dst = rep.tmp / f"r60-{code.name}", rep.tmp / f"team60-{code.name}"
        gen = demo_data(code, src, 60, 3)
        if gen["rc"] != 0:
            say(f"| {code.name} | - | - | - | demo-data failed: {gen['stderr'][-200:]} | | | | | |")
            continue
        one_team(src, dst)
        for w in ((1, 2) if code is codes[0] else (2,)):
            res = solve_once(code, dst, workers=w, seed=0, limit=limit)
            r = res["result"]
            rows.append((code.name, w, r))
            say(f"| {code.name} | {w} | {f(r.get('first_s'))} | {f(r.get('runtime_s'))} | {r['status']} | "
                f"{f(r.get('gap'), 1, True)} | {', '.join(r.get('gap_levels') or []) or '-'} | "
                f"{f(r.get('check_rounds'))} | {note(r)} | {load(res)} | {rep.cmd(res)} |")
            rep.flush()
    say("")
    return rows


def national(rep: Report, code: Code, officers: int, limit: float, timeout: float) -> tuple[Path, dict[str, Any]]:
    say = rep.say
    say("## C. National region — goal ≤ 90 s on 2 cores (issue 15)\n")
    data = rep.tmp / "national"
    gen = demo_data(code, data, officers, 1)
    say(f"Data: {rep.cmd(gen)} ({gen['seconds']:.1f} s). Roster: every team in its own process, one combined "
        "output; `planner check` on the combined roster.\n")
    out = rep.tmp / "national-out"
    res = roster_cli(code, data, out, "--time-limit", f"{limit:g}", timeout=timeout)
    s = res["summary"]
    teams = s.get("teams", [])
    if res["stopped"]:
        say(f"**Stopped by the benchmark** (SIGTERM) after {timeout:g} s (SIGKILL 60 s later if still running); exit "
            f"{res['rc']}. The figures below are what the run wrote by then (summary.json, if any).\n")
    statuses: dict[str, int] = {}
    for t in teams:
        statuses[t["status"]] = statuses.get(t["status"], 0) + 1
    gaps = [(t["gap"], t.get("gap_levels") or []) for t in teams if t.get("gap") is not None]
    worst: tuple[float | None, list[str]] = max(gaps, key=lambda g: g[0], default=(None, []))
    gap_levels: dict[str, int] = {}
    for g, lv in gaps:
        if g:
            key = "+".join(lv) or "?"
            gap_levels[key] = gap_levels.get(key, 0) + 1
    chk = check_cli(code, out / "roster.csv", data, rep.tmp / "national-check.json") \
        if (out / "roster.csv").exists() else {"breaches": None, "seconds": 0.0, "beyond": []}
    say("| officers | teams | wall s | peak GiB | Σ team s | slowest team s | statuses | worst gap | teams with a gap "
        "(by level) | check breaches | balance beyond limits | load 1 min | command |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    say(f"| {officers} | {len(teams)} | {res['seconds']:.1f} | {res['peak_gib']:.2f} | "
        f"{sum(t['runtime_s'] for t in teams):.0f} | {max((t['runtime_s'] for t in teams), default=0):.1f} | "
        f"{', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))} | {f(worst[0], 1, True)} "
        f"({'+'.join(worst[1]) or '-'}) | {', '.join(f'{k} {v}' for k, v in sorted(gap_levels.items())) or '-'} | "
        f"{f(chk['breaches'])} | {str(len(chk['beyond'])) + ' officers' if 'cmd' in chk else '-'} | {load(res)} | "
        f"{rep.cmd(res)} |")
    if res["rc"] not in (0, 1):
        say(f"\nexit {res['rc']}: {res['stderr'][-400:]}")
    if "cmd" in chk:
        say(f"\n`planner check` took {chk['seconds']:.1f} s: {rep.cmd(chk)}\n")
    else:
        say("\nNo combined roster was written (planner writes none while a team has no roster), so there was nothing "
            "to check.\n")
    rep.flush()
    return data, res


def _summary_figures(summaries: list[dict[str, Any]]) -> dict[str, float]:
    """Planner-facing figures summed over summary.json files (one per run): the same arithmetic for the period run
    (one file) and the four weekly runs (four files)."""
    fig = {"officer-weeks below the norm": 0.0, "unmet wijk presence h": 0.0, "unmet team h": 0.0,
           "Σ of the officers' absolute hours balance at the end, h": 0.0, "most nights of one officer": 0.0,
           "most shifts of one officer": 0.0}
    nights: dict[str, int] = {}
    shifts: dict[str, int] = {}
    last_balance: dict[str, tuple[str, float]] = {}
    for s in summaries:
        u = s.get("unmet", {})
        fig["unmet wijk presence h"] += float(u.get("wijk_presence_h", 0))
        fig["unmet team h"] += float(u.get("team_h", 0))
        for o in s.get("officers", []):
            if o.get("norm_met") is False:
                fig["officer-weeks below the norm"] += 1
            nights[o["officer_id"]] = nights.get(o["officer_id"], 0) + int(o.get("nights", 0))
            shifts[o["officer_id"]] = shifts.get(o["officer_id"], 0) + int(o.get("shifts", 0))
            if o["officer_id"] not in last_balance or o["week"] >= last_balance[o["officer_id"]][0]:
                last_balance[o["officer_id"]] = (o["week"], float(o.get("balance_h", 0)))
    fig["Σ of the officers' absolute hours balance at the end, h"] = sum(abs(b) for _, b in last_balance.values())
    fig["most nights of one officer"] = max(nights.values(), default=0)
    fig["most shifts of one officer"] = max(shifts.values(), default=0)
    return fig


def period(rep: Report, code: Code, limits: list[float | None]) -> None:
    say = rep.say
    demo = code.root / "data" / "demo"
    say("## D. Demo period of 4 weeks (2027-W03..W06) — goal: proven optimal or gap ≤ 0.5 % in ≤ 20 s on 2 cores "
        "(issue 16)\n")
    say("`--time-limit` is per week planned (a 4-week period gets 4 × it); without it planner.toml's 30 s. A period "
        "first plans its weeks one after another (each within its own time limit, with the one before as history), "
        "then improves that roster as one model; the week-by-week roster stands if the period model finds nothing "
        "better.\n")
    say("| run | wall s | peak GiB | status | gap | gap on | check breaches | load 1 min | command |\n"
        "|---|---|---|---|---|---|---|---|---|")
    runs: list[tuple[str, dict[str, Any], list[dict[str, Any]], dict[str, Any]]] = []
    for lim in limits:
        extra = ["--time-limit", f"{lim:g}"] if lim is not None else []
        tag = f"{lim:g} s/week" if lim is not None else "default (30 s/week)"
        out = rep.tmp / f"period-{lim or 'default'}"
        res = roster_cli(code, demo, out, "--weeks", "4", *extra)
        s = res["summary"]
        chk = check_cli(code, out / "roster.csv", demo, rep.tmp / f"period-{lim or 'default'}-check.json")
        say(f"| period, {tag} | {res['seconds']:.1f} | {res['peak_gib']:.2f} | {s.get('status')} | "
            f"{f(s.get('gap'), 2, True)} | {', '.join(s.get('gap_levels') or []) or '-'} | {f(chk['breaches'])} | "
            f"{load(res)} | {rep.cmd(res)} |")
        notes = [e for t in s.get("teams", []) for e in t.get("explanation", [])]
        rep.flush()
        # four greedy weeks, one after another into one folder (history carried through the folder)
        gout = rep.tmp / f"greedy-{lim or 'default'}"
        weekly: list[dict[str, Any]] = []
        t_sum, loads = 0.0, []
        for w in WEEKS4:
            g = roster_cli(code, demo, gout, *extra, week=w)
            t_sum += g["seconds"]
            loads.append(g["load"])
            weekly.append(g["summary"])
            say(f"| four weeks, {tag}: {w} | {g['seconds']:.1f} | {g['peak_gib']:.2f} | "
                f"{g['summary'].get('status')} | {f(g['summary'].get('gap'), 2, True)} | "
                f"{', '.join(g['summary'].get('gap_levels') or []) or '-'} | | {load(g)} | {rep.cmd(g)} |")
            rep.flush()
        combined = rep.tmp / f"greedy-{lim or 'default'}-combined" / "roster.csv"
        combined.parent.mkdir()
        parts = [gout / "history" / f"{w}.csv" for w in WEEKS4[:-1]] + [gout / "roster.csv"]
        frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in parts if p.exists()]
        pd.concat(frames, ignore_index=True).to_csv(combined, index=False)
        gchk = check_cli(code, combined, demo, rep.tmp / f"greedy-{lim or 'default'}-check.json")
        say(f"| four weeks, {tag}: combined | {t_sum:.1f} (Σ) | | | | | {f(gchk['breaches'])} | "
            f"{loads[0][0]:.2f} → {loads[-1][1]:.2f} | {rep.cmd(gchk)} |")
        runs.append((tag, s, weekly, {"notes": notes}))
        rep.flush()
    say("")
    for tag, s, weekly, extra_info in runs:
        p = s.get("parameters", {})
        team = (s.get("teams") or [{}])[0]
        final = team.get("levels", {})
        gl, gwl = p.get("greedy_levels") or {}, p.get("greedy_week_levels") or {}
        wsum: dict[str, float] = {}
        for ws in weekly:
            for lv, v in ((ws.get("teams") or [{}])[0].get("levels") or {}).items():
                wsum[lv] = wsum.get(lv, 0.0) + float(v)
        say(f"### Period vs four greedy weeks, {tag}\n")
        if extra_info["notes"]:
            say("The period run said: " + " / ".join(extra_info["notes"]) + "\n")
        say("Levels of the ordered objective (lower is better; in the unit named). `period` is the period run's "
            "roster in the period model (summary.json `teams[].levels`). `greedy in period model` is the roster the "
            "period run planned week by week first (each week within its own time limit), measured by the period's own "
            "model (`parameters.greedy_levels`: the same rules and objective as the period's roster, so the two "
            "columns compare exactly). `greedy, per-week models` is that roster's four weeks each in its own week "
            "model, summed (`parameters.greedy_week_levels`). `four CLI weeks` sums the `levels` of the four "
            "separate `planner roster --week` runs above (each week in its own model, full time per week). "
            "Per-week models score some levels differently from the period model (compare the two greedy columns: "
            "the same roster), so the exact comparison is the first two columns.\n")
        say("| level | unit | period | greedy in period model | greedy, per-week models | four CLI weeks | "
            "period ≤ greedy (same model) |\n|---|---|---|---|---|---|---|")
        for lv, unit in TERMS:
            if lv not in final and lv not in gl and lv not in wsum:
                continue
            a, b = final.get(lv), gl.get(lv)
            ok = "-" if a is None or b is None else ("yes" if a <= b + 1e-3 else "**no**")
            say(f"| {lv} | {unit} | {f(a)} | {f(b)} | {f(gwl.get(lv))} | {f(wsum.get(lv))} | {ok} |")
        say("")
        pf, gf = _summary_figures([s]), _summary_figures(weekly)
        say("The same two rosters in planner's own figures (summary.json; the same arithmetic for the one period file "
            "and the four weekly files):\n")
        say("| figure | period run | four CLI weeks | period at least as good |\n|---|---|---|---|")
        for k in pf:
            say(f"| {k} | {f(pf[k])} | {f(gf[k])} | {'yes' if pf[k] <= gf[k] + 1e-3 else '**no**'} |")
        say("")
        rep.flush()


def national_period(rep: Report, code: Code, data: Path, limit: float, timeout: float) -> None:
    say = rep.say
    say("## D2. National region, period of 4 weeks — goal ≤ 10 minutes (issue 16)\n")
    out = rep.tmp / "national-period"
    res = roster_cli(code, data, out, "--weeks", "4", "--time-limit", f"{limit:g}", timeout=timeout)
    s = res["summary"]
    teams = s.get("teams", [])
    statuses: dict[str, int] = {}
    for t in teams:
        statuses[t["status"]] = statuses.get(t["status"], 0) + 1
    gaps = [t["gap"] for t in teams if t.get("gap") is not None]
    say("| wall s | peak GiB | exit | stopped by the benchmark | teams | statuses | worst gap | load 1 min | "
        "command |\n|---|---|---|---|---|---|---|---|---|")
    say(f"| {res['seconds']:.1f} | {res['peak_gib']:.2f} | {res['rc']} | "
        f"{'yes, SIGTERM at ' + format(timeout, 'g') + ' s' if res['stopped'] else 'no'} | {len(teams)} | "
        f"{', '.join(f'{k} {v}' for k, v in sorted(statuses.items())) or '-'} | "
        f"{f(max(gaps) if gaps else None, 1, True)} | {load(res)} | {rep.cmd(res)} |")
    say("")
    rep.flush()


# --------------------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="One seed, short limits, a 1,000-officer 'national'.")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    ap.add_argument("--before", type=Path, default=None, help="An older checkout with its own .venv, for before/after.")
    ap.add_argument("--national-officers", type=int, default=None)
    ap.add_argument("--no-national-period", action="store_true", help="Skip the national 4-week period.")
    ap.add_argument("--national-timeout", type=float, default=1200.0,
                    help="Stop the national week after this many seconds (SIGTERM; default 1200).")
    ap.add_argument("--only", default="ABCD", help="Sections to run (letters A-D), e.g. --only AD.")
    args = ap.parse_args()
    quick = args.quick
    seeds = [0] if quick else [0, 1, 2]
    n_nat = args.national_officers or (1000 if quick else 3500)
    codes = [Code("current", ROOT)]
    if args.before is not None:
        codes.append(Code("before", args.before.resolve()))
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as tmpdir:
        rep = Report(args.out, Path(tmpdir))
        say = rep.say
        say("# Benchmark results\n")
        say(f"Written {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by "
            f"`{' '.join([Path(sys.executable).name, *[a.replace(str(ROOT) + '/', '') for a in sys.argv]])}` "
            f"({'quick' if quick else 'full'} run). The machine is shared: the load average (1 min) before and "
            "after each measurement is in its row; compare ratios within this file, not across machines.\n")
        say("| machine | |\n|---|---|")
        for k, v in _machine(codes).items():
            say(f"| {k} | {v} |")
        say(f"| load average at start | {' '.join(f'{x:.2f}' for x in os.getloadavg())} |")
        say("")
        nat_data: Path | None = None
        nat: dict[str, Any] = {}
        if "A" in args.only:
            demo_week(rep, codes, seeds, 5 if quick else 20, None if quick else 120)
        if "B" in args.only:
            team60(rep, codes, 10 if quick else 20)
        if "C" in args.only:
            nat_data, nat = national(rep, codes[0], n_nat, 5, args.national_timeout)
        if "D" in args.only:
            period(rep, codes[0], [5.0] if quick else [None, 5.0])
            if not args.no_national_period and not quick and nat_data is not None:
                if nat["stopped"] or nat["seconds"] > 600:
                    say("## D2. National region, period of 4 weeks — goal ≤ 10 minutes (issue 16)\n")
                    say(f"Not measured: the national *week* alone took {nat['seconds']:.0f} s"
                        f"{' and was stopped' if nat['stopped'] else ''}, more than the 600 s the period may take, "
                        "and a period first plans its four weeks one after another with at least the week's time "
                        "each; the goal is not met on this machine.\n")
                else:
                    national_period(rep, codes[0], nat_data, 5, 660)
        say(f"Load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}. "
            f"Total benchmark time {time.perf_counter() - t_start:.0f} s.")
        rep.flush()
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
