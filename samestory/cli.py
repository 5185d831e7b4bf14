"""The `samestory` command: a thin layer over the Python API."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
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


def load_settings(config: Optional[Path], **overrides) -> Settings:
    try:
        settings = Settings.from_toml(config) if config else Settings()
        return settings.replace(**overrides)
    except (ConfigError, TypeError) as exc:
        _fail(str(exc))
        raise  # unreachable


@app.command()
def run(
    paths: List[Path] = typer.Argument(..., help="Files or folders (searched recursively): HTML, text, JSONL, Parquet, WARC, optionally .gz."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for documents.parquet, pairs.parquet, deduplicated.jsonl and run.json."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="TOML file with settings (see README: Settings)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", min=0, help="Worker processes for reading and cleaning [default: all cores]."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace the outputs of a previous run in --out."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars and no summary."),
    no_rewrites: bool = typer.Option(False, "--no-rewrites", help="Skip the rewrite tier (sentence embeddings)."),
    model: Optional[str] = typer.Option(None, "--model", help="Sentence-transformers model name or folder for the rewrite tier [default: packaged all-MiniLM-L6-v2]."),
) -> None:
    """Read, clean, deduplicate, and write the tables and the deduplicated corpus."""
    from .embed import ModelError
    from .pipeline import run as run_pipeline
    from .read import InputError
    from .write import OutputExistsError

    settings = load_settings(
        config, workers=workers, progress=False if quiet else None,
        rewrites=False if no_rewrites else None, rewrite_model=model,
    )
    try:
        result = run_pipeline(paths, out=out, settings=settings, overwrite=overwrite)
    except (InputError, OutputExistsError, ModelError) as exc:
        _fail(str(exc))
        return
    if not quiet:
        print_summary(result.summary, out)


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
    from .embed import ModelError
    from .read import InputError

    settings = load_settings(config, rewrite_model=model)
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
