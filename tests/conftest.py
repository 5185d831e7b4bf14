from __future__ import annotations

import inspect
import json
import re
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


# A test that runs the pipeline, the CLI, a browser or the embedding model is end-to-end
# (seconds); the rest test kernels and functions directly (milliseconds). `pytest -m "not e2e"`
# is the quick run while changing a kernel.
_E2E_FIXTURES = {"example_run", "examples_run", "tables", "browser", "page", "embedder"}
_E2E_CALLS = re.compile(r"\b(samestory\.run|run|invoke|subprocess\.run|subprocess\.Popen|compare_texts|compare_files)\(")


def pytest_collection_modifyitems(items):
    for item in items:
        function = getattr(item, "function", None)
        source = inspect.getsource(function) if function is not None else ""
        if _E2E_FIXTURES & set(getattr(item, "fixturenames", ())) or _E2E_CALLS.search(source):
            item.add_marker(pytest.mark.e2e)


def without_timings(path: Path) -> bytes:
    """A run output's bytes; run.json without its "timings", the one field that varies between
    runs of the same input and settings."""
    if path.name == "plan.json":  # the work folder's manifest: the run's start time differs
        record = json.loads(path.read_text(encoding="utf-8"))
        record.pop("started")
        return json.dumps(record, sort_keys=True).encode()
    if path.name != "run.json":
        return path.read_bytes()
    record = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(record.pop("timings"), dict)
    return json.dumps(record, sort_keys=True).encode()


def output_files(out: Path) -> list[str]:
    """Every output file of a run folder (the corpus may be a folder of parts), as paths inside
    it; the work folder `_work/` is left out."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                  if p.is_file() and "_work" not in p.relative_to(out).parts)
