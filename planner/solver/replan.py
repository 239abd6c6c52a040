"""Minimal change: every shift that differs from the earlier roster of the week costs weights.change."""

from __future__ import annotations

import pandas as pd

from planner.solver.instance import Instance
from planner.solver.model import Built
from planner.solver.objective import objective_expression
from planner.solver.soft import Term


def changed_shifts(ctx_inst: Instance, built: Built, old: pd.DataFrame) -> list[Term]:
    """Soft rule: keep each officer's shift of each day as it was (re-planning with minimal change).

    Source: planners' need to re-plan after sickness or an added event without reshuffling the week.
    A day counts as changed when its shift code differs (including from or to no shift).
    """
    inst = ctx_inst
    v = built.ctx.v
    coef = round(inst.cfg.weights.change * 60)
    old_codes = {(r["officer_id"], r["date"]): r["shift"] for r in old.to_dict("records") if r.get("shift")}
    terms: list[Term] = []
    for oi, o in enumerate(inst.officers):
        pinned_days = {p.date for p in o.pinned}
        for day_i, day in enumerate(inst.days):
            if day in pinned_days:
                continue
            xs = {inst.slots[si].code: x for (o2, si), x in v.x.items() if o2 == oi and inst.slots[si].day == day_i}
            code = old_codes.get((o.officer_id, day))
            if code is None:
                if xs:
                    ch = built.model.new_bool_var(f"changed[{o.officer_id},{day}]")
                    built.model.add(ch == sum(xs.values()))
                    terms.append(Term("changed_shift", o.officer_id, ch, coef, "count", (oi, day)))
            elif code in xs:
                terms.append(Term("changed_shift", o.officer_id, xs[code].Not(), coef, "count", (oi, day)))
    return terms


def minimal_change(inst: Instance, built: Built, old: pd.DataFrame) -> None:
    """Add the changed-shift terms to the built model and set the objective again."""
    built.terms.extend(changed_shifts(inst, built, old))
    built.model.minimize(objective_expression(built.terms))
