"""Fixtures for the plan-targets and sector-list tests: the plan text split into its cited parts."""

from __future__ import annotations

import os
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from tbgeo import settings

PLAN_NAME = "quy-hoach-cong-nghiep-thai-binh-2017-2025.txt"


def _seed_dirs() -> list[Path]:
    dirs = [Path(os.environ["TBGEO_SEED_DIR"])] if os.environ.get("TBGEO_SEED_DIR") else []
    return dirs + [settings.PROJECT_DIR / "seed", settings.PROJECT_DIR / "docs", settings.PROJECT_DIR.parent / "shared" / "seed", Path("/work/shared/seed")]


def find_seed_file(name: str) -> Path | None:
    for folder in _seed_dirs():
        if (folder / name).is_file():
            return folder / name
    return None


def split_plan(text: str) -> dict[str, str]:
    """Map each citable part ("Điều 1", "Điều 1, III", "Điều 1, III.4", "Điều 1, IV.2.a") to its text.

    A part's text includes its heading line and all its sub-parts; lines are joined by single spaces.
    """
    sections: dict[str, list[str]] = defaultdict(list)
    article = part = item = letter = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if m := re.match(r"^Điều (\d+)\.", line):
            article, part, item, letter = m.group(1), None, None, None
        elif article and (m := re.match(r"^([IVX]+)\. ", line)):
            part, item, letter = m.group(1), None, None
        elif part and (m := re.match(r"^(\d+)\. ", line)):
            item, letter = m.group(1), None
        elif item and (m := re.match(r"^([a-h])\) ", line)):
            letter = m.group(1)
        if article is None:
            continue
        keys = [f"Điều {article}"]
        if part:
            keys.append(f"Điều {article}, {part}")
            if item:
                keys.append(f"Điều {article}, {part}.{item}")
                if letter:
                    keys.append(f"Điều {article}, {part}.{item}.{letter}")
        for key in keys:
            sections[key].append(line.lstrip("- ").strip())
    return {key: " ".join(lines) for key, lines in sections.items()}


@pytest.fixture(scope="session")
def plan_text() -> str:
    path = find_seed_file(PLAN_NAME)
    if path is None:
        pytest.skip(f"the plan text {PLAN_NAME} is not available (set TBGEO_SEED_DIR)")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def plan_sections(plan_text: str) -> dict[str, str]:
    return split_plan(plan_text)


@pytest.fixture()
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of data/plan_targets.csv and data/sectors.toml, made the active data folder."""
    data = tmp_path / "data"
    data.mkdir()
    for name in ("plan_targets.csv", "sectors.toml"):
        shutil.copy(settings.DATA_DIR / name, data / name)
    monkeypatch.setattr(settings, "DATA_DIR", data)
    monkeypatch.setenv("TBGEO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    return data


@pytest.fixture(scope="session")
def seed_readme() -> str:
    path = find_seed_file("README.md")
    if path is None or PLAN_NAME not in path.read_text(encoding="utf-8"):
        pytest.skip("seed/README.md is not available")
    return path.read_text(encoding="utf-8")
