"""Test-session setup: the mutation switch of benchmarks/mutation.py."""

from __future__ import annotations

import os


def pytest_configure(config):  # type: ignore[no-untyped-def]
    """``PLANNER_MUTATE=<rule>`` removes that hard rule's encoding (its constraints and its variable domain) for the
    whole session, so benchmarks/mutation.py can show that some test then fails."""
    name = os.environ.get("PLANNER_MUTATE")
    if not name:
        return
    from planner.rules import rule

    target = rule(name)
    target.encode = lambda m: None  # type: ignore[method-assign]
    target.allows = lambda c, od, cfg: True  # type: ignore[method-assign]
