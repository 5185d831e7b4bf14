from __future__ import annotations

from pathlib import Path

import pytest

from samestory import Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEEDS = EXAMPLES / "seeds"
SEED_REWRITE = "000_7d1592cc4d73a734.txt"
SEED_HTML = "001_c17297793d428058.txt"


@pytest.fixture
def settings() -> Settings:
    """One worker and no progress: fast and quiet for small test corpora."""
    return Settings().replace(run={"workers": 1, "progress": False})


def by_id(table) -> dict[str, dict]:
    return {row["doc_id"]: row for row in table.to_pylist()}
