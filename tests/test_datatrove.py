"""The datatrove step, run by datatrove's own local executor: duplicates annotated or dropped."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("datatrove", reason="datatrove not installed (optional extra: pip install samestory[datatrove])")

from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from samestory import Settings  # noqa: E402
from samestory.integrations.datatrove import SamestoryDedup  # noqa: E402

from .test_curator_inputs import ARTICLE, OTHER  # noqa: E402

SETTINGS = Settings().replace(run={"workers": 1, "progress": False}, rewrite={"enabled": False})
DOCS = [
    {"text": ARTICLE, "id": "late", "metadata": {"url": "https://b.example/1", "date": "2024-03-06", "dump": "CC-1"}},
    {"text": OTHER, "id": "other", "metadata": {"url": "https://c.example/2", "date": "2024-03-01", "dump": "CC-1"}},
    {"text": ARTICLE, "id": "early", "metadata": {"url": "https://a.example/1", "date": "2024-03-04", "dump": "CC-1"}},
    {"text": ARTICLE.split(". ")[0] + ". " + ARTICLE.split(". ")[1] + ".", "id": "short",
     "metadata": {"url": "https://d.example/3", "dump": "CC-1"}},
]


def run_pipeline(tmp_path, mode: str) -> list[dict]:
    src, out = tmp_path / "in", tmp_path / f"out-{mode}"
    src.mkdir(exist_ok=True)
    (src / "00000.jsonl").write_text("".join(json.dumps(d) + "\n" for d in DOCS))
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(src)), SamestoryDedup(mode=mode, settings=SETTINGS),
                  JsonlWriter(str(out), compression=None)],
        tasks=1, workers=1, logging_dir=str(tmp_path / f"logs-{mode}"),
    ).run()
    return [json.loads(line) for f in sorted(out.glob("*.jsonl")) for line in f.read_text().splitlines()]


def test_annotate_keeps_every_document_with_groups_and_evidence(tmp_path):
    docs = {d["id"]: d for d in run_pipeline(tmp_path, "annotate")}
    assert list(docs) == ["late", "other", "early", "short"]  # every document, in input order
    early, late, other = docs["early"]["metadata"], docs["late"]["metadata"], docs["other"]["metadata"]
    assert early["samestory_is_original"] and early["samestory_group_size"] == 3
    assert "earliest date (2024-03-04; 1 member dated later)" in early["samestory_original_reason"]
    assert late["samestory_relation"] == "exact" and late["samestory_cluster_id"] == "early"
    assert json.loads(late["samestory_evidence"]) == {"normalized_text_equal": True}
    assert other["samestory_relation"] is None and other["samestory_group_size"] == 1
    short = docs["short"]["metadata"]  # an excerpt: partial, with the shingle counts as evidence
    assert short["samestory_relation"] == "partial" and json.loads(short["samestory_evidence"])["shared_shingles"] > 0
    if short["samestory_via"]:  # linked through the exact copy: the chain names input ids
        assert short["samestory_via"].split(" > ")[0] == "early"
    assert late["dump"] == "CC-1" and late["url"] == "https://b.example/1"  # the document's own metadata stays


def test_drop_forwards_originals_and_unique_documents_only(tmp_path):
    docs = run_pipeline(tmp_path, "drop")
    assert [d["id"] for d in docs] == ["other", "early"]
    assert all(d["metadata"]["samestory_relation"] is None for d in docs)


def test_bad_mode_is_refused():
    with pytest.raises(ValueError, match="annotate"):
        SamestoryDedup(mode="keep")


def test_the_docstring_example_runs_with_the_default_settings(tmp_path):
    """`SamestoryDedup(mode="drop")` as the module's docstring writes it (its default settings
    were once an invalid Settings call: TypeError)."""
    step = SamestoryDedup(mode="drop")
    assert step.settings.run.workers == 1 and step.settings.run.progress is False
    src, out = tmp_path / "crawl", tmp_path / "kept"
    src.mkdir()
    (src / "00000.jsonl").write_text("".join(json.dumps(d) + "\n" for d in DOCS))
    LocalPipelineExecutor(pipeline=[JsonlReader(str(src)), step, JsonlWriter(str(out), compression=None)],
                          tasks=1, logging_dir=str(tmp_path / "logs")).run()
    kept = [json.loads(line) for f in sorted(out.glob("*.jsonl")) for line in f.read_text().splitlines()]
    assert [d["id"] for d in kept] == ["other", "early"]
