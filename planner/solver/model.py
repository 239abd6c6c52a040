"""The builder: variables, hard rules, soft rules and objective, wired in one readable sequence."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.solver.instance import Instance
from planner.solver.objective import objective_expression
from planner.solver.rules import HARD_RULES, Ctx
from planner.solver.soft import SOFT_RULES, Term
from planner.solver.variables import make_variables


@dataclass
class Built:
    """A built model with everything needed to read a solution back."""

    model: cp_model.CpModel
    ctx: Ctx
    terms: list[Term]


#: With --allow-breaches: the price of one broken law rule for one officer, and of one minute below the norm.
#: A law breach costs more than the largest norm shortfall (60 h x 60 min x 200), and a minute below the norm
#: more than an hour of the most urgent wijk demand, so the law bends last and the norm before any soft rule.
BREACH_COST = 1_000_000
NORM_SHORT_COST_PER_MIN = 200


def build_model(
    inst: Instance,
    *,
    diagnose: bool = False,
    hard_rules: list[str] | None = None,
    symmetry: bool = True,
    allow_breaches: bool = False,
    soft_rules: list[str] | None = None,
) -> Built:
    """Build the CP-SAT model for one team's week.

    Parameters
    ----------
    diagnose
        Guard every hard rule of every officer with an assumption literal (for explanations).
    hard_rules
        Names from ``HARD_RULES`` to add (default: all).
    symmetry
        Order interchangeable officers (same wijken, contract, exemption, no absences, wishes or history).
    soft_rules
        Names from ``SOFT_RULES`` to add (default: all).
    allow_breaches
        Let hard rules bend at a price that dominates every soft rule: the fewest breaches, and the norm's
        shortfall in minutes, are minimised first (for publishing an impossible week with its gaps named).
    """
    model = cp_model.CpModel()
    v = make_variables(model, inst)
    ctx = Ctx(model, inst, v, diagnose=diagnose or allow_breaches, elastic=allow_breaches)
    for name, rule in HARD_RULES.items():
        if hard_rules is None or name in hard_rules:
            rule(ctx)
    if symmetry and not diagnose:
        break_symmetry(ctx)
    terms: list[Term] = []
    for soft_name, soft_fn in SOFT_RULES.items():
        if soft_rules is None or soft_name in soft_rules:
            terms.extend(soft_fn(ctx))
    if allow_breaches:
        for (rule_name, oi), lit in ctx.literals.items():
            oid = inst.officers[oi].officer_id
            terms.append(Term("breach", f"{rule_name}:{oid}", lit.Not(), BREACH_COST, "count", (rule_name, oi)))
        for oi, short in ctx.shortfalls.items():
            terms.append(
                Term("norm_shortfall", inst.officers[oi].officer_id, short, NORM_SHORT_COST_PER_MIN, "min", oi)
            )
    model.minimize(objective_expression(terms))
    if diagnose:
        model.add_assumptions(list(ctx.literals.values()))
    return Built(model, ctx, terms)


def break_symmetry(ctx: Ctx) -> None:
    """Officers with identical facts are interchangeable: order them by worked minutes, then by night count.

    A weak lexicographic order on two aggregates removes most mirrored solutions without excluding any
    distinct roster (any solution can be permuted into one that satisfies it).
    """
    groups: dict[tuple, list[int]] = {}
    for oi, o in enumerate(ctx.inst.officers):
        if o.fixed or o.banned or o.wished_off or o.history or o.history_weeks:
            continue
        key = (o.wijken, o.contract_hours, o.night_exempt, o.available_min)
        groups.setdefault(key, []).append(oi)
    for members in groups.values():
        for a, b in zip(members, members[1:], strict=False):
            ctx.model.add(ctx.v.worked[a] >= ctx.v.worked[b])
