"""The ordered objective: each level is optimal given the ones above it, and no lower level buys a higher one.

Levels (planner.solver.objective.LEVELS): law > norm > balance_limit > wijk_demand > changes > team_demand > hours >
fairness > wishes. Every roster here also passes the exact check (solve_checked).
"""

from __future__ import annotations

import datetime as dt

from ortools.sat.python import cp_model

from planner.solver.instance import build_instance
from planner.solver.model import build_model
from planner.solver.objective import LEVEL_SCALE, LEVELS
from tests._checker_helpers import blocks, make_dataset, officer, roster_of
from tests._solver_helpers import MONDAY, solve_checked


def _level_optimum(ds, result, level: str) -> int:  # type: ignore[no-untyped-def]
    """The least value of ``level`` with every level above it kept at the result's values (model units)."""
    inst = build_instance(ds, result.mondays)
    built = build_model(inst, symmetry=False)
    above = LEVELS[: LEVELS.index(level)]
    for lv in above:
        terms = [t for t in built.terms if t.level == lv]
        if terms:
            value = round(result.levels.get(lv, 0) * LEVEL_SCALE.get(lv, 1))
            built.model.add(sum(t.coef * t.var for t in terms) <= value)
    built.model.minimize(sum(t.coef * t.var for t in built.terms if t.level == level))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 60
    solver.parameters.num_workers = 2
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return round(solver.objective_value)


def test_every_level_is_optimal_given_the_levels_above(tmp_path):
    # Three officers, wijk demand on three evenings, noodhulp on two, one wish: every level has something to do.
    team = "kind,name,day,start,end,officers\nnoodhulp,Nood,di,15:00,19:00,1\nnoodhulp,Nood,do,19:00,23:00,1\n"
    pres = "wijk_code,day,start,end,officers,priority\nWK099901,ma,18:00,22:00,1,hoog\nWK099901,vr,18:00,22:00,2,laag\n"
    ds = make_dataset(
        tmp_path,
        officers=[officer("W-01", contract_hours=32), officer("W-02", contract_hours=24),
                  officer("W-03", wijk="WK099902")],
        files={"team_demand.csv": team, "demand.csv": pres, "wishes.csv": "officer_id,date\nW-01,2027-01-22\n"},
    )
    result = solve_checked(ds)
    assert result.status == "optimal"
    for level in ("wijk_demand", "team_demand", "hours", "fairness", "wishes"):
        got = round(result.levels.get(level, 0) * LEVEL_SCALE.get(level, 1))
        assert got == _level_optimum(ds, result, level), level


def test_team_demand_is_bought_with_plus_hours_up_to_the_limit(tmp_path):
    # team_demand > hours. 16 h contract, norm 50 %, noodhulp 10-14 on five days (20 h), balance at most +8 h:
    # 24 h can be worked, half of it noodhulp: 12 h covered, 8 h unmet. The hours level alone would say 16 h.
    team = "kind,name,day,start,end,officers\n" + "".join(
        f"noodhulp,Nood,{d},10:00,14:00,1\n" for d in ("ma", "di", "wo", "do", "vr"))
    ds = make_dataset(tmp_path, officers=[officer("W-01", contract_hours=16)],
                      toml="[norm]\nshare = 0.5\n", files={"team_demand.csv": team})
    r = solve_checked(ds)
    assert r.status == "optimal"
    assert float(r.officers["planned_h"].iloc[0]) == 24.0
    assert r.levels["team_demand"] == 8.0


def test_the_balance_limit_outranks_wijk_demand(tmp_path):
    # balance_limit > wijk_demand. 16 h contract, no plus-hours allowed, 40 h of wijk demand: exactly 16 h worked.
    pres = "wijk_code,day,start,end,officers\n" + "".join(
        f"WK099901,{d},08:00,16:00,1\n" for d in ("ma", "di", "wo", "do", "vr"))
    ds = make_dataset(tmp_path, officers=[officer("W-01", contract_hours=16)],
                      toml="[hours]\nbalance_max_plus_hours = 0\n", files={"demand.csv": pres})
    r = solve_checked(ds)
    assert float(r.officers["planned_h"].iloc[0]) == 16.0
    assert r.levels["wijk_demand"] == 24.0 * 2  # 24 h unmet at priority midden (factor 2)


def test_the_balance_limit_bends_before_a_week_is_impossible(tmp_path):
    # Training 09:00-17:00 on five days (40 h) for a 24 h contract: +16 h is beyond the +8 h limit, yet the week
    # plans (the limit bends, on its own level) instead of coming back infeasible. Training is set not to count as
    # available, so the norm asks nothing of this week.
    absences = [("W-01", f"2027-01-{18 + i}T09:00", f"2027-01-{18 + i}T17:00", "training") for i in range(5)]
    ds = make_dataset(tmp_path, officers=[officer("W-01", contract_hours=24)], absences=absences,
                      toml="[activities.training]\navailable = false\n")
    r = solve_checked(ds)
    assert r.status == "optimal"
    assert r.levels["balance_limit"] == 8.0
    assert any(p.rule == "balance_limit" for p in r.penalties)


def test_allow_breaches_keeps_the_law_when_a_lawful_roster_exists(tmp_path):
    # law > wijk demand: urgent wijk demand 23:00-07:00 every night could be met only by breaking the rest rules;
    # a lawful roster exists, so --allow-breaches returns it with no breach at all.
    pres = "wijk_code,day,start,end,officers,priority\n" + "".join(
        f"WK099901,{d},23:00,07:00,1,hoog\n" for d in ("ma", "di", "wo", "do", "vr", "za", "zo"))
    ds = make_dataset(tmp_path, files={"demand.csv": pres})
    r = solve_checked(ds, allow_breaches=True)
    assert r.status == "optimal"
    assert r.breaches == [] and not any(p.rule == "breach" for p in r.penalties)


def test_allow_breaches_bends_the_norm_before_the_law(tmp_path):
    # Training 40 h in a 36 h week: the norm cannot hold (no room for wijk time within 60 h and the rest rules? it
    # could, by working 200 h...). With --allow-breaches the law holds and only the norm falls short.
    absences = [("W-01", f"2027-01-{18 + i}T08:00", f"2027-01-{18 + i}T18:00", "training") for i in range(5)]
    ds = make_dataset(tmp_path, absences=absences)
    plain = solve_checked(ds)
    assert plain.status == "infeasible"
    r = solve_checked(ds, allow_breaches=True)
    assert r.has_roster
    assert {b.rule for b in r.breaches} == {"own_wijk_share"}
    assert r.levels["law"] == 0


def test_changes_outrank_team_demand_in_a_replan(tmp_path):
    # changes > team_demand: re-planning with an added noodhulp window that only a changed shift could cover leaves
    # it unmet. W-01 works Mon 07-15 in the old roster; noodhulp Mon 17-21 is added.
    from planner.replan import replan_week

    # A shift of another start or length (the default families) could cover it; that would be a change.
    ds = make_dataset(tmp_path, toml="[norm]\nshare = 0.5\n")
    old = roster_of(*[blocks("W-01", MONDAY + dt.timedelta(days=i), "07:00", "16:00", shift="D") for i in range(4)])
    import pandas as pd

    extra = pd.DataFrame([{"kind": "noodhulp", "name": "Extra", "weekday": 0, "date": None,
                           "start": dt.time(17), "end": dt.time(21), "officers": 1.0, "wijk_code": "", "team": "",
                           "_row": 1}])
    at = dt.datetime(2027, 1, 18, 0, 0, tzinfo=ds.config.tz)
    rp = replan_week(ds, old, at=at, absent=[], extra_team_demand=extra, time_limit_s=20, workers=1)
    assert rp.result.has_roster
    assert rp.result.levels.get("changes", 0) == 0
    assert rp.changed_blocks == 0
