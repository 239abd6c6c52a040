"""Invariants under random input: any bytes, any mutation of the demo's CSVs, any TOML-ish settings and any
roster text give a result or a named PlannerError, never another exception."""

from __future__ import annotations

import shutil
import tempfile
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.config import CONFIG_NAME, Rules, Weights, config_from_dict, load_config
from planner.dataset import load_dataset
from planner.errors import PlannerError
from planner.roster_io import read_roster
from planner.tables import read_csv
from tests._robust_helpers import DEMO, ROSTER_OK, write_data

TZ = ZoneInfo("Europe/Amsterdam")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DEMO_CSVS = sorted(p.name for p in DEMO.glob("*.csv"))


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Apply (position, delete count, insert) edits; positions wrap around the current length."""
    for pos, delete, insert in edits:
        i = pos % (len(data) + 1)
        data = data[:i] + insert + data[i + delete:]
    return data


EDITS = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 8),
                           st.one_of(st.binary(max_size=6), st.sampled_from([b";", b",", b'"', b"\n", b"-", b"=",
                                                                              b"\x00", b"\xff", b"99999", b"nan"]))),
                 min_size=1, max_size=5)


@FAST
@given(st.binary(max_size=300))
def test_read_csv_random_bytes(data):
    """Random bytes: a table or an InputError."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "officers.csv"
        path.write_bytes(data)
        try:
            df = read_csv(path, ["officer_id", "name"], ["team"])
        except PlannerError:
            return
        assert {"_row", "officer_id", "name", "team"} <= set(df.columns)


@SLOW
@given(st.sampled_from(DEMO_CSVS), EDITS)
def test_load_dataset_mutated_demo_csv(name, edits):
    """The demo folder with one CSV mutated: a Dataset or a named PlannerError."""
    with tempfile.TemporaryDirectory() as d:
        root = Path(d) / "demo"
        shutil.copytree(DEMO, root)
        path = root / name
        path.write_bytes(_mutate(path.read_bytes(), edits))
        try:
            load_dataset(root)
        except PlannerError as exc:
            assert str(exc)


@FAST
@given(st.sampled_from(["officers.csv", "absences.csv", "demand.csv", "team_demand.csv", "wishes.csv",
                        "population.csv", "planner.toml"]), EDITS)
def test_load_dataset_mutated_tiny_folder(name, edits):
    """The tiny folder with one file mutated (planner.toml too): a Dataset or a named PlannerError."""
    with tempfile.TemporaryDirectory() as d:
        root = write_data(Path(d) / "data")
        path = root / name
        path.write_bytes(_mutate(path.read_bytes(), edits))
        try:
            load_dataset(root)
        except PlannerError as exc:
            assert str(exc)


KEYS = (["team", "files", "shifts", "activities", "absences", "rules", "norm", "weights", "solver", "name",
         "timezone", "wijken", "code", "start", "end", "share", "reading", "window_weeks", "unavailable", "work",
         "wijk", "own_wijk", "seed", "workers", "time_limit_s", "resolution_min", "late_night_end"]
        + [f.name for f in Rules.__dataclass_fields__.values()] + list(Weights.__dataclass_fields__))
SCALARS = st.one_of(st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from(["07:00", "23:00", "in", "in_of_voor", "Europe/Amsterdam", "wijk", "", "x",
                                     "24:00", "../x", "EPSG:28992"]),
                    st.text(max_size=8))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
                      max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5))
def test_config_from_dict_random(raw):
    """Random TOML-ish dicts: a Config or a ConfigError, never another exception."""
    try:
        cfg = config_from_dict(raw, "planner.toml")
    except PlannerError:
        return
    assert cfg.shifts and 0 < cfg.norm.share <= 1


@FAST
@given(st.text(alphabet=st.sampled_from(list("[]=\"'.,#\n _-:0123456789abcdefnrstuvw")), max_size=120))
def test_load_config_random_text(text):
    """Random TOML-like text: a Config or a ConfigError (TOML syntax errors included)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / CONFIG_NAME
        path.write_text(text, encoding="utf-8")
        try:
            load_config(path)
        except PlannerError:
            return
        except tomllib.TOMLDecodeError as exc:  # pragma: no cover - must not happen
            raise AssertionError(exc) from None


@FAST
@given(EDITS)
def test_read_roster_mutated(edits):
    """A roster.csv with random edits: a roster (aware datetimes, end after start) or a named PlannerError."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "roster.csv"
        path.write_bytes(_mutate(ROSTER_OK.encode(), edits))
        try:
            df = read_roster(path, TZ, {"wijk", "noodhulp", "training"})
        except PlannerError:
            return
        for s, e in zip(df["start"], df["end"], strict=True):
            assert s.tzinfo is not None and e > s
