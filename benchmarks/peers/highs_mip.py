"""The same rules as a MIP for HiGHS: every constraint of planner's model, over the same Instance, as linear rows.

planner's model (``build_model``, without diagnosis) holds only linear constraints and clauses over integer
variables, so it is a MIP as written: each variable keeps its domain, each linear constraint becomes a row with its
bounds, a clause ``or(l1..lk)`` becomes ``sum(l) >= 1``. The objective is the same weighted sum of named terms.
HiGHS gets no hint and no wijk-group bound: it sees the plain formulation. Its solution is read back through
planner's own extraction (``extract_roster``) and scored with planner's checker and objective terms.

Run as a script so each peer has its own process: ``python -m benchmarks.peers.highs_mip DATA WEEK SECONDS``
prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import highspy
import numpy as np

from planner.checker import check_roster
from planner.dataset import load_dataset
from planner.solver.extract import extract_roster
from planner.solver.instance import build_instance
from planner.solver.model import build_model
from planner.timeutil import parse_week

INF = highspy.kHighsInf
BIG = 2**62


def _b(v: int) -> float:
    return -INF if v <= -BIG else INF if v >= BIG else float(v)


class _Values:
    """Looks like a CpSolver to ``extract_roster``: value() and boolean_value() from a MIP solution."""

    def __init__(self, x: np.ndarray) -> None:
        self.x = np.rint(x).astype(np.int64)

    def _idx(self, var: Any) -> tuple[int, bool]:
        i = var.index
        return (i, False) if i >= 0 else (-i - 1, True)

    def value(self, expr: Any) -> int:
        if isinstance(expr, int):
            return expr
        i, neg = self._idx(expr)
        return 1 - int(self.x[i]) if neg else int(self.x[i])

    def boolean_value(self, lit: Any) -> bool:
        return bool(self.value(lit))


def to_highs(proto: Any) -> highspy.Highs:
    """planner's CP-SAT model proto as a HiGHS MIP (raises on a constraint kind that is not linear)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    n = len(proto.variables)
    domains = [list(v.domain) for v in proto.variables]  # (the proto's repeated fields take no index -1)
    lower = [float(d[0]) for d in domains]
    upper = [float(d[-1]) for d in domains]
    cost = [0.0] * n
    offset = float(proto.objective.offset)
    for var, c in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        if var >= 0:
            cost[var] += c
        else:  # a negated literal: c * (1 - x)
            offset += c
            cost[-var - 1] -= c
    h.addVars(n, np.array(lower), np.array(upper))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(cost))
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n))
    h.changeObjectiveOffset(offset)
    for ct in proto.constraints:
        kind = "linear" if ct.has_linear() else "bool_or" if ct.has_bool_or() else "other"
        if len(ct.enforcement_literal):
            raise ValueError("enforced constraints are not part of the plain model")
        if kind == "linear":
            lin = ct.linear
            idx: dict[int, float] = {}
            const = 0.0
            for var, c in zip(lin.vars, lin.coeffs, strict=True):
                if var >= 0:
                    idx[var] = idx.get(var, 0.0) + c
                else:
                    const += c
                    idx[-var - 1] = idx.get(-var - 1, 0.0) - c
            dom = list(lin.domain)
            if len(dom) != 2:
                raise ValueError("a linear constraint with a holed domain")
            cols = np.array(list(idx), dtype=np.int32)
            h.addRow(_b(dom[0]) - const if dom[0] > -BIG else -INF, _b(dom[1]) - const if dom[1] < BIG else INF,
                     len(cols), cols, np.array(list(idx.values())))
        elif kind == "bool_or":
            lits = list(ct.bool_or.literals)
            coefs = {}
            rhs = 1.0
            for lit in lits:
                if lit >= 0:
                    coefs[lit] = coefs.get(lit, 0.0) + 1
                else:
                    coefs[-lit - 1] = coefs.get(-lit - 1, 0.0) - 1
                    rhs -= 1
            cols = np.array(list(coefs), dtype=np.int32)
            h.addRow(rhs, INF, len(cols), cols, np.array(list(coefs.values())))
        else:
            raise ValueError(f"constraint {ct} has no MIP row here")
    return h


def run(data: str, week: str, seconds: float, seed: int = 0) -> dict[str, Any]:
    ds = load_dataset(data)
    monday = parse_week(week)
    t0 = time.perf_counter()
    inst = build_instance(ds, monday)
    built = build_model(inst)
    h = to_highs(built.model.proto)
    h.setOptionValue("time_limit", float(seconds))
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", seed)
    h.setOptionValue("mip_rel_gap", 0.0)
    t_run = time.perf_counter()
    h.run()
    elapsed = time.perf_counter() - t0
    solve_seconds = time.perf_counter() - t_run
    info = h.getInfo()
    out: dict[str, Any] = {
        "peer": "HiGHS MIP",
        "version": highspy.Highs().version() if hasattr(highspy.Highs(), "version") else "",
        "seconds": round(elapsed, 2),
        "solve_seconds": round(solve_seconds, 2),
        "status": h.modelStatusToString(h.getModelStatus()),
        "bound": info.mip_dual_bound / 60 if abs(info.mip_dual_bound) < 1e30 else None,
        "objective_claimed": None,
        "objective": None,
        "breaches": None,
    }
    if info.primal_solution_status == 2:  # a feasible point
        vals = _Values(np.array(h.getSolution().col_value))
        roster = extract_roster(inst, built, vals)
        # Our objective, term by term from planner's named penalty terms, not HiGHS's own figure.
        out["objective"] = sum(t.coef * vals.value(t.var) for t in built.terms if t.coef) / 60
        out["objective_claimed"] = info.objective_function_value / 60
        out["breaches"] = len(check_roster(ds, roster, weeks=[monday]))
    return out


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], sys.argv[2], float(sys.argv[3]))))
