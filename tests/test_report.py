"""report.html without a browser: the data it embeds, escaping, limits, determinism, the CLI."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from .report_fixtures import (
    HOSTILE_TEXT, SEED_CANON, SEED_MEMBER, SEED_REASON, examples_run, fixture_tables, synthetic_tables,
)
from samestory.cli import app
from samestory.config import ReportSettings
from samestory.output import DOCUMENT_SCHEMA, PAIR_SCHEMA, summarize
from samestory.output.report import (
    align_for_display, build_report_data, render_report, split_for_display, write_report,
)


def _sentences(data: dict, k: int) -> list[str]:
    """A doc's sentences as the page resolves them (shared ones are indices into the canonical's)."""
    doc = data["docs"][k]
    source = data["docs"][doc["ref"]]["sents"] if "ref" in doc else None
    return [source[s] if isinstance(s, int) else s for s in doc["sents"]]


def _embedded(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="samestory-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(block)


@pytest.fixture(scope="module")
def tables():
    return fixture_tables(*examples_run())


def test_split_for_display_keeps_paragraph_starts():
    sentences, starts = split_for_display("First one. Second one!\n\nThird “quoted.” Fourth? fifth stays.\nLast")
    assert sentences == ["First one.", "Second one!", "Third “quoted.”", "Fourth? fifth stays.", "Last"]
    assert starts == [0, 2, 4]


def test_align_for_display_pairs_edits_and_marks_gaps():
    a = ["The council met on Monday.", "It approved the ferry plan.", "Critics were not convinced.", "Work starts in May."]
    b = ["The council met on Monday.", "It approved the electric ferry plan.", "Work starts in May.", "Tickets go on sale soon."]
    rows = align_for_display(a, b)
    assert rows[0] == [0, 0, 1.0]
    assert rows[1][:2] == [1, 1] and 0.4 <= rows[1][2] < 1.0  # the edited sentence sits beside its source
    assert [2, -1, 0.0] in rows                                 # dropped sentence: no counterpart
    assert [3, 2, 1.0] in rows
    assert rows[-1] == [-1, 3, 0.0]                             # added sentence
    # every sentence of both sides appears exactly once, in order
    assert [r[0] for r in rows if r[0] >= 0] == list(range(len(a)))
    assert [r[1] for r in rows if r[1] >= 0] == list(range(len(b)))


def test_unrelated_sentences_are_not_paired():
    rows = align_for_display(["Frost hit the cherry orchards."], ["The chess final went to a tie-break."])
    assert sorted(rows) == [[-1, 0, 0.0], [0, -1, 0.0]]


def test_groups_largest_first_with_canonical_reason_and_evidence(tables):
    documents, pairs, summary = tables
    data = build_report_data(documents, pairs, summary)
    sizes = [g["size"] for g in data["groups"]]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == 3
    docs = data["docs"]
    seed = next(g for g in data["groups"] if docs[g["canon"]]["id"] == SEED_CANON)
    assert seed["reason"] == SEED_REASON and seed["rels"] == {"rewrite": 1}
    (member,) = seed["members"]
    assert docs[member["doc"]]["id"] == SEED_MEMBER and member["relation"] == "rewrite"
    # the pair was stored as (000, 001): the report turns it so the canonical (001) is on the left
    assert member["pair"]["flipped"] is True
    assert ["Hvistendahl", "Hvittendal", 0.76] in member["names"]
    left, right, sim = member["aligned"][2]
    assert "Hvistendahl" in left and "Hvittendal" in right and sim == 0.84
    assert member["pair"]["evidence"]["coverage_a"] == 0.83  # coverages follow the flip
    assert "aligned" not in member["pair"]["evidence"] and member["rows"] is None
    # lexical pairs without "aligned" get a computed side-by-side alignment
    bridge = next(g for g in data["groups"] if docs[g["canon"]]["id"] == "crawl/harbourcourier/bridge.html")
    rows = bridge["members"][0]["rows"]
    assert rows and any(r[2] == 1.0 for r in rows) and any(r[1] == -1 for r in rows)


def test_copied_sentences_are_stored_once(tables):
    data = build_report_data(*tables)
    docs = data["docs"]
    by_id = {d["id"]: k for k, d in enumerate(docs)}
    exact = by_id["crawl/newsbits/feed.jsonl#nb-1001"]           # exact copy of harbourcourier/chess.html
    canon = by_id["crawl/harbourcourier/chess.html"]
    assert docs[exact]["ref"] == canon and all(isinstance(s, int) for s in docs[exact]["sents"])
    assert _sentences(data, exact) == docs[canon]["sents"]
    near = by_id["crawl/dailyledger/millbrook-library-sundays.html"]  # edited copy: only changed sentences as text
    kinds = {type(s) for s in docs[near]["sents"]}
    assert kinds == {int, str}
    assert "ref" not in docs[by_id[SEED_MEMBER]]                   # a rewrite shares no sentence verbatim


def test_rejected_documents_listed_with_reasons():
    docs = [
        {"doc_id": "a", "status": "ok", "text": "Alpha."},
        {"doc_id": "b", "status": "rejected", "reason": "not HTML or text", "source": "b.bin"},
        {"doc_id": "c", "status": "rejected", "reason": "empty", "source": "c.txt"},
    ]
    documents = pa.Table.from_pylist(docs, schema=DOCUMENT_SCHEMA)
    pairs = PAIR_SCHEMA.empty_table()
    data = build_report_data(documents, pairs, summarize(documents, pairs))
    assert [(r["id"], r["reason"]) for r in data["rejected"]] == [("b", "not HTML or text"), ("c", "empty")]
    assert data["groups"] == [] and data["summary"]["rejected_by_reason"] == {"empty": 1, "not HTML or text": 1}


def test_limits_bound_what_is_embedded():
    documents, pairs, summary = synthetic_tables(30, members=3)
    data = build_report_data(documents, pairs, summary, limits=ReportSettings(max_groups=10, max_members=2, max_text_chars=40))
    assert len(data["groups"]) == 10 and data["more_groups"] == 20 and data["total_groups"] == 30
    assert all(len(g["members"]) == 2 and g["more_members"] == 1 for g in data["groups"])
    assert all(sum(len(s) + 1 for s in _sentences(data, k)) <= 42 and d["cut"] > 40 for k, d in enumerate(data["docs"]))
    assert sum(n for _, n in data["size_histogram"]) == 30  # the chart counts every group, shown or not


def test_text_budget_stops_adding_groups():
    documents, pairs, summary = synthetic_tables(20)
    full = build_report_data(documents, pairs, summary)
    per_group = sum(len(x) for d in full["docs"][:2] for x in d["sents"] if isinstance(x, str))
    data = build_report_data(documents, pairs, summary, limits=ReportSettings(max_total_chars=int(per_group * 4.5)))
    assert 3 <= len(data["groups"]) <= 5 and data["text_budget_reached"] is True
    assert data["more_groups"] == 20 - len(data["groups"])
    # every group shown still has all its documents; no document is embedded for a dropped group
    shown = {data["groups"][k]["canon"] for k in range(len(data["groups"]))}
    shown |= {m["doc"] for g in data["groups"] for m in g["members"]}
    assert shown == set(range(len(data["docs"])))
    assert not full["text_budget_reached"] and full["more_groups"] == 0


def test_embedded_json_cannot_close_the_script_block():
    documents, pairs, summary = fixture_tables(*examples_run())
    nasty = {"t": "</script><script>alert(1)</script><!-- & \u2028\u2029"}
    html = render_report({**build_report_data(documents, pairs, summary), "extra": nasty})
    block = re.search(r'<script type="application/json" id="samestory-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "\u2028" not in block and "\u2029" not in block
    data = json.loads(block)
    assert data["extra"] == nasty
    assert any(HOSTILE_TEXT.split("\n")[0][:40] in " ".join(_sentences(data, k)) for k in range(len(data["docs"])))
    # the raw hostile markup appears nowhere in the page outside the escaped JSON
    assert "<script>window.__pwned" not in html and "onerror=" not in html.replace(block, "")


def test_csp_allows_exactly_the_inline_script_and_style(tables):
    html = render_report(build_report_data(*tables))
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(scripts) == 1 and len(styles) == 1
    for source in scripts + styles:
        digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    # no network: the only URL in the page's own code is the SVG namespace (an identifier, never fetched)
    block = re.search(r'<script type="application/json" id="samestory-data">(.*?)</script>', html, re.S).group(1)
    assert set(re.findall(r"https?://[^\s\"'<>)]+", html.replace(block, ""))) == {"http://www.w3.org/2000/svg"}


def test_nan_scores_and_bad_evidence_do_not_break_the_page():
    docs = [
        {"doc_id": "a", "status": "ok", "text": "One two three.", "cluster_id": "a", "is_canonical": True},
        {"doc_id": "b", "status": "ok", "text": "One two four.", "cluster_id": "a", "relation": "near", "score": float("nan")},
    ]
    pairs = [{"doc_a": "a", "doc_b": "b", "relation": "near", "score": float("inf"), "evidence": "{not json"}]
    documents = pa.Table.from_pylist(docs, schema=DOCUMENT_SCHEMA)
    pair_table = pa.Table.from_pylist(pairs, schema=PAIR_SCHEMA)
    data = _embedded(render_report(build_report_data(documents, pair_table, summarize(documents, pair_table))))
    member = data["groups"][0]["members"][0]
    assert member["score"] is None and member["pair"]["score"] is None
    assert member["pair"]["evidence"] == {"unparsed_evidence": "{not json"}


def test_report_is_byte_identical_across_runs(tmp_path, tables):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    first = write_report(tmp_path / "x", *tables)
    second = write_report(tmp_path / "y", *tables)
    assert first.read_bytes() == second.read_bytes()


def test_run_writes_report_and_cli_rebuilds_it(tmp_path):
    from samestory import Settings, run

    src = tmp_path / "in"
    src.mkdir()
    text = "The lighthouse on Gull Point will be repainted this spring by volunteers from the village. " * 4
    (src / "a.txt").write_text(text, encoding="utf-8")
    (src / "b.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run(src, out=out, settings=Settings().replace(run={"workers": 1, "progress": False}))
    built = (out / "report.html").read_bytes()
    data = _embedded(built.decode())
    assert len(data["groups"]) == 1 and data["groups"][0]["members"][0]["relation"] == "exact"
    (out / "report.html").unlink()
    result = CliRunner().invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").read_bytes() == built


def test_cli_report_errors_are_one_line(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(app, ["report", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "is not a folder" in missing.output and "Traceback" not in missing.output
    empty = runner.invoke(app, ["report", str(tmp_path)])
    assert empty.exit_code == 2 and "no documents.parquet" in empty.output
    (tmp_path / "documents.parquet").write_bytes(b"not parquet")
    (tmp_path / "pairs.parquet").write_bytes(b"not parquet")
    (tmp_path / "run.json").write_text("{}")  # a finished run whose tables were damaged later
    broken = runner.invoke(app, ["report", str(tmp_path)])
    assert broken.exit_code == 2 and "cannot read" in broken.output and "Traceback" not in broken.output


def test_rebuild_refuses_an_unfinished_run(tmp_path, tables):
    """Without run.json (written last) the tables may be from a killed run."""
    documents, pairs, _ = tables
    pq.write_table(documents, tmp_path / "documents.parquet")
    pq.write_table(pairs, tmp_path / "pairs.parquet")
    result = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2 and "no finished samestory run" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "report.html").exists()


def test_rebuild_with_an_empty_summary_recounts_it(tmp_path, tables):
    documents, pairs, _ = tables
    pq.write_table(documents, tmp_path / "documents.parquet")
    pq.write_table(pairs, tmp_path / "pairs.parquet")
    (tmp_path / "run.json").write_text("{}")
    result = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = _embedded((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert data["summary"]["groups"] == summarize(documents, pairs)["groups"]


# --- the run, evidence in words, the rewrite view, documents -----------------------------

def _seed_member(data: dict) -> dict:
    docs = data["docs"]
    seed = next(g for g in data["groups"] if docs[g["canon"]]["id"] == SEED_CANON)
    return seed["members"][0]


def test_settings_and_tiers_of_the_run_are_embedded(tables):
    from samestory import Settings

    off = Settings().replace(rewrite={"enabled": False})
    data = build_report_data(*tables, run={"settings": off.to_dict(), "tiers": ["boilerplate", "lexical"],
                                            "inputs": {"paths": ["examples"], "files": 14, "documents": 19}})
    assert data["run"]["tiers"] == ["boilerplate", "lexical"]
    assert data["run"]["settings"]["rewrite"]["enabled"] is False and data["run"]["inputs"]["files"] == 14
    # a run.json from before "tiers": the settings say which tiers ran
    older = build_report_data(*tables, run={"settings": off.to_dict()})
    assert older["run"]["tiers"] == ["boilerplate", "lexical"]
    assert build_report_data(*tables)["run"] == {"settings": {}, "tiers": None, "inputs": None}


def test_evidence_in_words_in_canonical_member_order(tables):
    from samestory import Settings

    documents, pairs, summary = tables
    rows = pairs.to_pylist()
    for row in rows:  # the seed pair is stored member-first: its counts must be turned round
        if row["relation"] == "rewrite":
            evidence = json.loads(row["evidence"])
            evidence.update(sentences=[16, 11], one_to_one=9, signature_overlap=0.5, shared_features=40)
            row["evidence"] = json.dumps(evidence)
    pairs = pa.Table.from_pylist(rows, schema=PAIR_SCHEMA)
    data = build_report_data(documents, pairs, summary, run={"settings": Settings().to_dict()})
    member = _seed_member(data)
    assert member["pair"]["evidence"]["sentences"] == [11, 16]
    words = " ".join(member["pair"]["words"])
    assert "83% of canonical's 11 sentences and 62% of member's 16" in words
    assert "cosine ≥ 0.7" in words and "9 one-to-one sentence pairs" in words
    assert "Found by embedding (40 signature features shared, 50% of the smaller document's)" in words
    assert "one_to_one" not in words and "signature_overlap" not in words
    bridge = next(g for g in data["groups"] if data["docs"][g["canon"]]["id"] == "crawl/harbourcourier/bridge.html")
    partial = bridge["members"][0]["pair"]["words"][0]
    assert partial.startswith("Excerpt: ") and "(member)" in partial and "partial_min_containment ≥ 0.7" in partial
    exact = next(m for g in data["groups"] for m in g["members"] if m["relation"] == "exact")
    assert exact["pair"]["words"][0].startswith("Same text")


def test_rewrite_view_shows_the_members_unmatched_sentences(tables):
    from samestory.rewrite.sentences import split_for_alignment

    data = build_report_data(*tables)
    member = _seed_member(data)
    member_text = next(r["text"] for r in tables[0].to_pylist() if r["doc_id"] == SEED_MEMBER)
    shown = [row[1] for row in member["aligned"] if row[1] is not None]
    assert set(split_for_alignment(member_text)) <= set(shown)
    unmatched = [row for row in member["aligned"] if row[0] is None]
    assert unmatched and all(row[2] is None for row in unmatched)
    assert sum(1 for row in member["aligned"] if row[0] is not None and row[1] is not None) == 5  # the evidence's pairs


def test_rewrite_pairs_carry_jaccard_and_containment():
    _, pairs = examples_run()
    rewrites = [p for p in pairs.to_pylist() if p["relation"] == "rewrite"]
    assert rewrites, "the examples hold a rewrite"
    for p in rewrites:
        assert 0 <= p["jaccard"] <= p["containment"] <= 1 and p["jaccard"] < 0.5


def test_every_kept_document_is_listed_with_its_text(tables):
    documents, pairs, summary = tables
    data = build_report_data(documents, pairs, summary)
    ok = sorted(r["doc_id"] for r in documents.to_pylist() if r["status"] == "ok")
    assert [data["docs"][k]["id"] for k in data["documents"]] == ok and data["more_documents"] == 0
    unique = data["docs"][data["documents"][ok.index("crawl/dailyledger/lune-crossing-commuters.html")]]
    assert "g" not in unique and unique["sents"] and isinstance(unique["sents"][0], str)
    grouped = data["docs"][data["documents"][ok.index(SEED_MEMBER)]]
    assert "g" in grouped
    few = build_report_data(documents, pairs, summary, limits=ReportSettings(max_documents=1))
    outside_groups = sum(1 for k in data["documents"] if "g" not in data["docs"][k])
    assert outside_groups >= 2 and few["more_documents"] == outside_groups - 1


def test_groups_carry_their_weakest_score(tables):
    data = build_report_data(*tables)
    for g in data["groups"]:
        assert g["score"] == min(m["score"] for m in g["members"])
