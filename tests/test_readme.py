"""README statements checked against the code: the settings block, the Python snippet, the
examples, the exit statuses and the documented commands."""

from __future__ import annotations

import os
import re

import pytest

import samestory
from samestory import Settings
from samestory.cli import EXIT_NOTHING_KEPT

from .conftest import EXAMPLES, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(after_heading: str, lang: str) -> str:
    section = README[README.index(after_heading):]
    return re.search(rf"```{lang}\n(.*?)```", section, re.S).group(1)


def test_settings_block_is_the_defaults():
    import tomllib

    block = _block("## Settings", "toml")
    assert block == Settings().to_toml()  # regenerate: python -c "import samestory; print(samestory.Settings().to_toml())"
    assert Settings.from_dict(tomllib.loads(block)) == Settings()


def test_every_setting_is_in_the_readme():
    block = _block("## Settings", "toml")
    for section, values in Settings().to_dict().items():
        assert f"[{section}]" in block
        for key in values:
            if key != "lsh_threshold":  # derived, recorded in run.json only
                assert re.search(rf"^{key} = ", block, re.M), f"{section}.{key}"


def test_python_snippet_runs_as_written(tmp_path, monkeypatch):
    """The snippet after the CLI run: `out/` already holds a run. The rewrite tier is turned off
    under it only to keep the test fast; the code is executed as written."""
    snippet = _block("Python (after the command above", "python")
    (tmp_path / "examples").symlink_to(EXAMPLES, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    real_run = samestory.run
    fast = {"rewrite": {"enabled": False}, "report": {"enabled": False}}
    real_run("examples/", out="out/", settings=Settings().replace(run={"workers": 1, "progress": False}, **fast))
    calls = []

    def run(*args, settings, **kwargs):
        calls.append(kwargs)
        return real_run(*args, settings=settings.replace(**fast), **kwargs)

    monkeypatch.setattr(samestory, "run", run)
    namespace: dict = {}
    exec(snippet, namespace)
    assert calls and calls[0]["overwrite"] is True and namespace["result"].summary["documents"] == 19
    assert namespace["settings"].run.workers == 2


def test_examples_are_four_sites():
    sites = sorted(p.name for p in (EXAMPLES / "crawl").iterdir() if p.is_dir())
    assert len(sites) == 4 and "small crawl of four\nmade-up sites" in README


def test_exit_statuses_are_documented():
    assert EXIT_NOTHING_KEPT == 3
    assert "3 the run finished but\nkept nothing" in README
    from samestory.cli import EXIT_FAULT

    assert EXIT_FAULT == 1 and "1 a fault\non the way" in README


def test_documented_compare_of_a_record_says_exact():
    from samestory.compare import compare_files

    line = next(line for line in README.splitlines() if line.startswith("samestory compare examples/crawl/"))
    a, b = (str(ROOT / arg) for arg in line.split()[2:4])
    assert compare_files(a, b, Settings().replace(rewrite={"model": os.devnull}))["relation"] == "exact"


@pytest.mark.parametrize("option", ["--json", "--log-file", "-v", "--no-rewrites", "--overwrite", "--quiet", "--no-report",
                                    "--debug"])
def test_documented_run_options_exist(option):
    from typer.testing import CliRunner

    from samestory.cli import app

    assert f"`{option}" in README and option in CliRunner().invoke(app, ["run", "-h"], terminal_width=200).output
