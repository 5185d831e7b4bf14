"""CLI conventions: -h, visible defaults, --json, where the summary goes, `| head`, exit status 3,
logging off a terminal, and what run.json records about the run."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from samestory.cli import EXIT_NOTHING_KEPT, app, summary_lines

from .conftest import SEEDS

runner = CliRunner()
FAST = ["--no-rewrites", "--no-report", "-w", "1"]


def test_short_help_and_defaults_are_shown():
    short = runner.invoke(app, ["run", "-h"], terminal_width=200)
    assert short.exit_code == 0
    assert short.output == runner.invoke(app, ["run", "--help"], terminal_width=200).output
    assert "[default: (all cores)" in short.output and "(packaged all-MiniLM-L6-v2)" in short.output
    assert "reading and cleaning ." not in short.output  # the default used to be eaten as markup
    assert "[default: 10" in runner.invoke(app, ["eval", "-h"], terminal_width=200).output


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "out"
    got = runner.invoke(app, ["run", str(SEEDS), "--out", str(out), "--json", *FAST])
    return got, out


def test_run_json_on_stdout_and_log_lines_on_stderr(seeds_run):
    got, out = seeds_run
    assert got.exit_code == 0, got.output
    summary = json.loads(got.stdout)
    assert summary == json.loads((out / "run.json").read_text())["summary"]
    assert summary["documents"] == 2
    # stderr is not a terminal here: one log line per stage with counts and seconds
    assert "samestory: read clean: documents 2, ok 2, files 2," in got.stderr
    assert "samestory: candidates verify: pairs" in got.stderr


def test_run_json_records_inputs_tiers_stages_and_timings(seeds_run):
    _, out = seeds_run
    record = json.loads((out / "run.json").read_text())
    assert record["inputs"] == {"paths": [str(SEEDS)], "files": 2, "documents": 2}
    assert record["tiers"] == ["boilerplate", "lexical"]  # --no-rewrites
    assert record["stages"]["read_clean"] == {"documents": 2, "ok": 2, "files": 2}
    assert set(record["timings"]) >= {"read_clean", "candidates_verify", "group_and_original"}
    assert all(isinstance(s, float) and s >= 0 for s in record["timings"].values())


def test_human_summary_goes_to_stderr_off_a_terminal(tmp_path):
    got = runner.invoke(app, ["run", str(SEEDS), "--out", str(tmp_path / "o"), *FAST])
    assert got.exit_code == 0 and got.stdout == ""
    assert "documents read" in got.stderr and "outputs in" in got.stderr
    assert re.search(r"^    rewrite duplicates +tier off$", got.stderr, re.M)  # not "0"
    assert "│" not in got.stderr and "┃" not in got.stderr  # plain lines, not a box table


def test_summary_lines_are_aligned():
    summary = {"documents": 1234, "rejected": 4, "rejected_by_reason": {"empty text": 4}, "groups": 7,
               "duplicates_by_relation": {"exact": 3, "near": 0, "partial": 1, "rewrite": 2}, "kept": 1200,
               "boilerplate_removed_by_site": {"site\x1b[31m.example": 5}}
    lines = summary_lines(summary, "out")
    counted = [line for line in lines[1:-1]]
    assert {len(line) for line in counted} == {len(counted[0])}  # numbers end in one column
    assert lines[1].split() == ["documents", "read", "1,234"]
    assert not any("\x1b" in line for line in lines) and "site\\x1b[31m.example" in lines[-2]


def test_nothing_read_or_all_rejected_exits_3(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    none_read = runner.invoke(app, ["run", str(empty), "--out", str(tmp_path / "o1"), "-q", *FAST])
    assert none_read.exit_code == EXIT_NOTHING_KEPT == 3
    assert "no document was read" in none_read.stderr and len(none_read.stderr.strip().splitlines()) == 1
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.bin").write_bytes(bytes(range(256)) * 8)
    (junk / "b.txt").write_text("   \n")
    rejected = runner.invoke(app, ["run", str(junk), "--out", str(tmp_path / "o2"), "-q", *FAST])
    assert rejected.exit_code == 3 and "every document was rejected (2:" in rejected.stderr
    assert (tmp_path / "o2" / "documents.parquet").exists()  # the outputs say why


def test_verbose_and_log_file(tmp_path):
    log = tmp_path / "run.log"
    got = runner.invoke(app, ["run", str(SEEDS), "--out", str(tmp_path / "o"), "-q", "-vv", "--log-file", str(log), *FAST])
    assert got.exit_code == 0
    assert re.search(r"Reading and cleaning: [\d,]+ bytes", got.stderr)  # -vv: each step, with its count
    logged = log.read_text()
    assert "INFO samestory: read clean: documents 2" in logged and "DEBUG" in logged
    quiet = runner.invoke(app, ["run", str(SEEDS), "--out", str(tmp_path / "q"), "-q", *FAST])
    assert quiet.stderr == ""  # --quiet off a terminal: nothing at all
    bad = runner.invoke(app, ["run", str(SEEDS), "--out", str(tmp_path / "b"), "--log-file", str(tmp_path / "no" / "x.log"), *FAST])
    assert bad.exit_code == 2 and "cannot write --log-file" in bad.stderr


def test_unknown_config_key_gets_a_suggestion(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text("[lexical]\nnear_min_jacard = 0.9\n")
    got = runner.invoke(app, ["run", str(SEEDS), "--out", str(tmp_path / "o"), "--config", str(cfg)])
    assert got.exit_code == 2 and "did you mean 'near_min_jaccard'?" in got.stderr


def test_a_closed_stdout_is_not_an_error(tmp_path):
    """`samestory run ... --json | head -0`: the reader is gone before the first write."""
    cmd = [sys.executable, "-m", "samestory.cli", "run", str(SEEDS), "--out", str(tmp_path / "o"), "--json", "-q", *FAST]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait() == 0, stderr
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_settings_command_prints_toml_that_reads_back(tmp_path):
    import tomllib

    from samestory import Settings

    defaults = runner.invoke(app, ["settings"])
    assert defaults.exit_code == 0 and Settings.from_dict(tomllib.loads(defaults.stdout)) == Settings()
    cfg = tmp_path / "s.toml"
    cfg.write_text("[lexical]\nnear_min_jaccard = 0.8\n")
    merged = runner.invoke(app, ["settings", "--config", str(cfg)])
    assert Settings.from_dict(tomllib.loads(merged.stdout)).lexical.near_min_jaccard == 0.8


@pytest.mark.parametrize("bars", [False, True])
def test_progress_tasks_count_and_log(caplog, bars):
    import logging

    from samestory.progress import Progress

    with caplog.at_level(logging.DEBUG, logger="samestory"):
        with Progress(enabled=bars).task("Removing boilerplate", unit="docs", total=5) as tick:
            tick(3)
            tick(2)
        with Progress(enabled=bars).task("Finding candidates"):
            pass
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("Removing boilerplate: 5 docs, ") and m.endswith(" s") for m in messages)
    assert any(m.startswith("Finding candidates, ") for m in messages)


def test_eval_json_on_stdout(seeds_run, tmp_path):
    _, out = seeds_run
    labels = tmp_path / "labels.csv"
    names = sorted(p.name for p in SEEDS.iterdir())
    labels.write_text("doc_id,group\n" + "".join(f"{name},moon\n" for name in names))
    got = runner.invoke(app, ["eval", str(out), "--labels", str(labels), "--json"])
    assert got.exit_code == 0, got.output
    report = json.loads(got.stdout)
    assert report == json.loads((out / "eval.json").read_text())
    assert report["documents"]["labelled_in_run"] == 2
