"""Packaging metadata that modern setuptools accepts without deprecation warnings (PEP 639 licence fields)."""

from __future__ import annotations

import glob
import re
import tomllib

from packaging.licenses import canonicalize_license_expression

from tests._robust_helpers import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_license_is_an_spdx_expression_with_its_file():
    """`license = { text = ... }` made setuptools print about 80 lines of deprecation warnings on every install;
    PEP 639 wants an SPDX expression and license-files, which setuptools supports from 77."""
    project = PYPROJECT["project"]
    assert isinstance(project["license"], str)
    assert canonicalize_license_expression(project["license"]) == "EUPL-1.2"
    files = project["license-files"]
    assert files and all(glob.glob(str(REPO / pattern)) for pattern in files)
    assert not any(c.startswith("License ::") for c in project.get("classifiers", []))  # PEP 639 forbids both
    req = next(r for r in PYPROJECT["build-system"]["requires"] if r.startswith("setuptools"))
    assert tuple(int(x) for x in re.findall(r"\d+", req)[:1]) >= (77,)


def test_holidays_is_a_dependency():
    assert any(d.split(">")[0].split("=")[0].strip() == "holidays" for d in PYPROJECT["project"]["dependencies"])
