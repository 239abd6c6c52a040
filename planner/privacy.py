"""Minimum group size for municipal figures: wijken and gemeenten with few wijkagenten are combined or withheld.

A figure about one or two wijkagenten (available hours, contract, own-wijk share, hours by reason, presence)
lets a municipality read one person's leave or sickness. Municipal outputs therefore show a figure only for a
group of at least ``min_group_size`` distinct wijkagenten (``[privacy] min_group_size`` in planner.toml,
default 3):

- Gemeenten with fewer officers are pooled into one group "overige gemeenten". When that pool is still too
  small, the smallest other gemeenten join it until it is large enough, so that no small gemeente can be
  recovered by subtracting the shown gemeenten from the total. When all gemeenten together are too small,
  every figure is withheld.
- Inside a gemeente that is shown on its own, wijken with fewer officers are pooled the same way into
  "overige wijken" of that gemeente. Wijken of a pooled or withheld gemeente are not shown on their own.
- A wijk or gemeente without any wijkagent holds no one's figures and is shown as it is.
- Groups are formed over the whole data folder, never over the gemeenten a report was asked for, so two
  reports with different ``--gemeente`` choices cannot be subtracted from each other.

Head counts and inhabitants are not hours and stay per wijk (who the wijkagent of a wijk is, is public).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: Group kinds.
ALONE = "alone"
POOLED = "pooled"
WITHHELD = "withheld"


@dataclass(frozen=True)
class Group:
    """Where one wijk's or gemeente's figures are shown.

    Attributes
    ----------
    key
        The wijk or gemeente code when shown alone; for a pool the member codes joined by `` + ``.
    kind
        ``alone``, ``pooled`` or ``withheld``.
    members
        The codes whose figures the group adds up (one code when alone).
    officers
        Distinct officer ids of the group.
    """

    key: str
    kind: str
    members: tuple[str, ...]
    officers: frozenset[str]

    @property
    def shown(self) -> bool:
        return self.kind != WITHHELD


def combine(officers_of: Mapping[str, frozenset[str]], min_size: int) -> dict[str, Group]:
    """Assign each key (a wijk or gemeente code) to a group of at least ``min_size`` distinct officers.

    Keys with enough officers, or with none, stay alone; the others form one pool, to which the smallest
    remaining keys are added until it is large enough. When even all keys together are too small, the pool is
    withheld.
    """
    out: dict[str, Group] = {}
    small = sorted(k for k, offs in officers_of.items() if 0 < len(offs) < min_size)
    pool: list[str] = list(small)
    pooled_officers: frozenset[str] = frozenset().union(*(officers_of[k] for k in small)) if small else frozenset()
    rest = sorted(
        (k for k, offs in officers_of.items() if len(offs) >= min_size),
        key=lambda k: (len(officers_of[k]), k),
    )
    while pool and len(pooled_officers) < min_size and rest:
        k = rest.pop(0)
        pool.append(k)
        pooled_officers |= officers_of[k]
    members = tuple(sorted(pool))
    if members:
        kind = POOLED if len(pooled_officers) >= min_size else WITHHELD
        group = Group(" + ".join(members), kind, members, pooled_officers)
        out |= {k: group for k in members}
    for k, offs in officers_of.items():
        if k not in out:
            out[k] = Group(k, ALONE, (k,), frozenset(offs))
    return out


def area_groups(
    wijk_officers: Mapping[str, frozenset[str]],
    gemeente_of: Mapping[str, str],
    min_size: int,
) -> tuple[dict[str, Group], dict[str, Group]]:
    """Gemeente groups and wijk groups of a data folder.

    Parameters
    ----------
    wijk_officers
        Every wijk code with the ids of its own officers (empty for a wijk without one).
    gemeente_of
        The gemeente code of every wijk.
    min_size
        The minimum group size; 1 shows everything alone.

    Returns
    -------
    tuple[dict[str, Group], dict[str, Group]]
        Per gemeente code its group; per wijk code its group. A wijk of a gemeente that is not shown alone gets
        its gemeente's group (members are then gemeente codes).
    """
    gm_officers: dict[str, frozenset[str]] = {}
    for w, offs in wijk_officers.items():
        gm = gemeente_of[w]
        gm_officers[gm] = gm_officers.get(gm, frozenset()) | offs
    gm_groups = combine(gm_officers, min_size)
    wijk_groups: dict[str, Group] = {}
    for gm, group in gm_groups.items():
        wijken = {w: wijk_officers[w] for w in wijk_officers if gemeente_of[w] == gm}
        if group.kind == ALONE:
            wijk_groups |= combine(wijken, min_size)
        else:
            wijk_groups |= {w: (group if offs else Group(w, ALONE, (w,), offs)) for w, offs in wijken.items()}
    return gm_groups, wijk_groups


def dataset_groups(ds, min_size: int | None = None) -> tuple[dict[str, Group], dict[str, Group]]:  # type: ignore[no-untyped-def]
    """:func:`area_groups` of a Dataset (own officers per wijk from officers.csv; size from its planner.toml)."""
    codes = [str(c) for c in ds.wijken["wijk_code"]]
    wijk_officers: dict[str, frozenset[str]] = {c: frozenset() for c in codes}
    for oid, wijken in zip(ds.officers["officer_id"], ds.officers["wijken"], strict=True):
        for w in wijken:
            if w in wijk_officers:
                wijk_officers[w] = wijk_officers[w] | {str(oid)}
    gemeente_of = dict(zip(codes, (str(g) for g in ds.wijken["gemeente_code"]), strict=True))
    size = ds.config.privacy.min_group_size if min_size is None else min_size
    return area_groups(wijk_officers, gemeente_of, size)
