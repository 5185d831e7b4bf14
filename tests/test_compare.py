"""`samestory compare A B`: relation, scores, aligned view, JSON, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from samestory.cli import app
from samestory.compare import compare_files

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "examples/seeds/001_c17297793d428058.txt"
REWRITE = ROOT / "examples/seeds/000_7d1592cc4d73a734.txt"
CRAWL = ROOT / "examples/crawl"
runner = CliRunner()


def test_compare_seeds_prints_rewrite_and_name_variants():
    result = runner.invoke(app, ["compare", str(SOURCE), str(REWRITE)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "relation: rewrite" in result.output
    for pair in ("Hvistendahl ~ Hvittendal", "Hvistendahl ~ Khvitendal", "Woerner ~ Werner", "Yulong ~ Yulonga"):
        assert pair in result.output
    assert "Moon Village" in result.output  # the side-by-side view


def test_compare_json():
    result = runner.invoke(app, ["compare", str(SOURCE), str(REWRITE), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["relation"] == "rewrite"
    assert data["scores"]["coverage_a"] >= 0.9 and data["scores"]["doc_cosine"] > 0.85
    assert data["scores"]["jaccard"] < 0.1
    variants = {(v["a"], v["b"]) for v in data["name_variants"]}
    assert {("Hvistendahl", "Hvittendal"), ("Hvistendahl", "Khvitendal"), ("Woerner", "Werner"), ("Yulong", "Yulonga")} <= variants
    for item in data["aligned"]:
        assert data["sentences_a"][item["i"]] == item["a"] and data["sentences_b"][item["j"]] == item["b"]


def test_compare_lexical_relations_and_none():
    assert compare_files(CRAWL / "harbourcourier/ferry.html", CRAWL / "dailyledger/kestrel-bay-electric-ferry.html")["relation"] == "exact"
    assert compare_files(CRAWL / "harbourcourier/bridge.html", CRAWL / "newsbits/tanner-street-bridge.html")["relation"] == "partial"
    assert compare_files(CRAWL / "harbourcourier/library.html", CRAWL / "dailyledger/millbrook-library-sundays.html")["relation"] == "near"
    same_event = compare_files(CRAWL / "dailyledger/lune-crossing-commuters.html", CRAWL / "harbourcourier/bridge.html")
    assert same_event["relation"] == "none"


def test_compare_errors_are_one_line(tmp_path):
    missing = runner.invoke(app, ["compare", str(tmp_path / "nope.txt"), str(SOURCE)])
    assert missing.exit_code == 2 and "no such file" in missing.output and "Traceback" not in missing.output
    several = runner.invoke(app, ["compare", str(CRAWL / "newsbits/feed.jsonl"), str(SOURCE)])
    assert several.exit_code == 2 and "2 documents" in several.output
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    blank = runner.invoke(app, ["compare", str(empty), str(SOURCE)])
    assert blank.exit_code == 2 and "Traceback" not in blank.output
    bad_model = runner.invoke(app, ["compare", str(SOURCE), str(REWRITE), "--model", str(tmp_path / "no-model")])
    assert bad_model.exit_code == 2 and "cannot load embedding model" in bad_model.output


def test_lexical_relations_never_load_the_model(tmp_path):
    """A model that cannot exist: loading it would fail, so success proves it was not loaded."""
    from samestory import Settings

    no_model = Settings().replace(rewrite={"model": str(tmp_path / "no-such-model")})
    exact = compare_files(CRAWL / "harbourcourier/ferry.html", CRAWL / "dailyledger/kestrel-bay-electric-ferry.html", no_model)
    assert exact["relation"] == "exact" and exact["model"] is None
    assert exact["explanation"][0].startswith("Same text")
    near = compare_files(CRAWL / "harbourcourier/library.html", CRAWL / "dailyledger/millbrook-library-sundays.html", no_model)
    assert near["relation"] == "near" and "Near copy" in near["explanation"][0] and "near_min_jaccard ≥ 0.5" in near["explanation"][0]
    part = compare_files(CRAWL / "harbourcourier/bridge.html", CRAWL / "newsbits/tanner-street-bridge.html", no_model)
    assert part["relation"] == "partial" and "shorter text (B)" in part["explanation"][0]
    # the view pairs the excerpt's sentences with their source's
    assert part["aligned"] and all(part["sentences_a"][x["i"]] == x["a"] for x in part["aligned"])
    assert any(x["similarity"] == 1.0 for x in part["aligned"])


def test_file_hash_id_picks_one_record(tmp_path):
    feed = CRAWL / "newsbits/feed.jsonl"
    result = runner.invoke(app, ["compare", f"{feed}#nb-1001", str(CRAWL / "newsbits/young-chess-champion.html"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["a"]["path"] == f"{feed}#nb-1001" and data["relation"] in ("exact", "near", "partial")
    missing = runner.invoke(app, ["compare", f"{feed}#nb-9999", str(SOURCE)])
    assert missing.exit_code == 2 and "no record with id 'nb-9999'" in missing.output
    several = runner.invoke(app, ["compare", str(feed), str(SOURCE)])
    assert f"{feed}#nb-1001" in several.output  # the error shows how to pick one
    odd = tmp_path / "a#b.txt"  # a file whose name has a '#' is still that file
    odd.write_text(SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    assert compare_files(odd, SOURCE)["relation"] == "exact"


def test_compare_prints_the_evidence_in_words():
    result = runner.invoke(app, ["compare", str(CRAWL / "harbourcourier/library.html"),
                                 str(CRAWL / "dailyledger/millbrook-library-sundays.html")], terminal_width=200)
    assert result.exit_code == 0 and "why: Near copy:" in result.output and "word similarity" in result.output
