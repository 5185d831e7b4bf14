"""The `samestory` command: a thin layer over the Python API."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__
from .config import ConfigError, Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Find every copy, near-copy, excerpt and rewrite of an article in a crawl.",
)
err = Console(stderr=True, soft_wrap=True)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        print(f"samestory {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """samestory: copies, near-copies, excerpts and rewrites of news articles in a crawl."""


def load_settings(config: Optional[Path], **overrides: dict) -> Settings:
    """Settings from the config file (or defaults), then the command line's options per section."""
    try:
        settings = Settings.from_toml(config) if config else Settings()
        return settings.replace(**overrides)
    except ConfigError as exc:
        _fail(str(exc))
        raise  # unreachable


@app.command()
def run(
    paths: List[Path] = typer.Argument(..., help="Files or folders (searched recursively): HTML, text, JSONL, Parquet, WARC, optionally .gz."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for documents.parquet, pairs.parquet, boilerplate.parquet, deduplicated.jsonl and run.json."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="TOML file with settings (see README: Settings)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", min=0, help="Worker processes for reading and cleaning [default: all cores]."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace the outputs of a previous run in --out."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars and no summary."),
    no_rewrites: bool = typer.Option(False, "--no-rewrites", help="Skip the rewrite tier (sentence embeddings)."),
    model: Optional[str] = typer.Option(None, "--model", help="Sentence-transformers model name or folder for the rewrite tier [default: packaged all-MiniLM-L6-v2]."),
    no_report: bool = typer.Option(False, "--no-report", help="Do not write report.html."),
) -> None:
    """Read, clean, deduplicate, and write the tables, the deduplicated corpus and report.html."""
    from .output import OutputExistsError
    from .pipeline import run as run_pipeline
    from .read import InputError
    from .rewrite import ModelError

    settings = load_settings(
        config, run={"workers": workers, "progress": False if quiet else None},
        rewrite={"enabled": False if no_rewrites else None, "model": model},
        report={"enabled": False if no_report else None},
    )
    try:
        result = run_pipeline(paths, out=out, settings=settings, overwrite=overwrite)
    except (InputError, OutputExistsError, ModelError) as exc:
        _fail(str(exc))
        return
    if not quiet:
        print_summary(result.summary, out)


@app.command()
def report(
    out_dir: Path = typer.Argument(..., help="The --out folder of a samestory run (documents.parquet, pairs.parquet, run.json)."),
) -> None:
    """(Re)build OUT_DIR/report.html from an existing run's tables."""
    from .output.report import ReportError, rebuild_report

    try:
        path = rebuild_report(out_dir)
    except ReportError as exc:
        _fail(str(exc))
        return
    print(f"wrote {path}")


@app.command("eval")
def eval_(
    out_dir: Path = typer.Argument(..., help="Folder of a samestory run (documents.parquet, pairs.parquet)."),
    labels: Path = typer.Option(..., "--labels", "-l", help="CSV/JSON/JSONL labels: doc_id,group[,variant] or doc_a,doc_b,label[,variant]."),
    top: int = typer.Option(10, "--top", min=0, help="How many of the worst false merges and misses to show and keep."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Write eval.json only; print nothing."),
) -> None:
    """Compare a run's groups with labels: pairwise precision/recall/F1, ARI, recall per variant, worst errors."""
    from .evaluate import EVAL_FILE, LabelError, RunFolderError, evaluate, print_report

    try:
        report = evaluate(out_dir, labels, top=top)
    except (LabelError, RunFolderError) as exc:
        _fail(str(exc))
        return
    except OSError as exc:
        _fail(f"cannot write {out_dir / EVAL_FILE}: {exc.strerror or exc}")
        return
    if not quiet:
        print_report(report)
        Console().print(f"written to [bold]{out_dir / EVAL_FILE}[/]")


@app.command()
def compare(
    a: Path = typer.Argument(..., help="First document (any supported format, one document)."),
    b: Path = typer.Argument(..., help="Second document."),
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON instead of the aligned view."),
    model: Optional[str] = typer.Option(None, "--model", help="Sentence-transformers model name or folder [default: packaged all-MiniLM-L6-v2]."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="TOML file with settings (thresholds)."),
) -> None:
    """Say how two documents relate (exact/near/partial/rewrite/none) and show their aligned sentences."""
    import json

    from .compare import CompareError, compare_files, print_comparison
    from .read import InputError
    from .rewrite import ModelError

    settings = load_settings(config, rewrite={"model": model})
    try:
        result = compare_files(a, b, settings)
    except (CompareError, InputError, ModelError) as exc:
        _fail(str(exc))
        return
    if json_out:
        print(json.dumps(result, indent=2, ensure_ascii=False, sort_keys=True))
    else:
        print_comparison(result)


def print_summary(summary: dict, out: Path) -> None:
    console = Console()
    table = Table(title="samestory run", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("documents read", f"{summary['documents']:,}")
    table.add_row("rejected", f"{summary['rejected']:,}")
    for reason, count in summary["rejected_by_reason"].items():
        table.add_row(f"  {reason}", f"{count:,}")
    table.add_row("groups of copies", f"{summary['groups']:,}")
    for relation, count in summary["duplicates_by_relation"].items():
        table.add_row(f"  {relation} duplicates", f"{count:,}")
    table.add_row("kept (canonical or unique)", f"{summary['kept']:,}")
    by_site = summary.get("boilerplate_removed_by_site", {})
    table.add_row("site boilerplate lines removed", f"{sum(by_site.values()):,}")
    for site, count in list(by_site.items())[:10]:
        table.add_row(f"  {escape(site)}", f"{count:,}")  # site names come from pages
    if len(by_site) > 10:
        table.add_row(f"  ({len(by_site) - 10:,} more sites: boilerplate.parquet)", "")
    console.print(table)
    console.print(f"outputs in [bold]{out}[/]")


def entry() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    entry()
