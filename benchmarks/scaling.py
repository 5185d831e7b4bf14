"""What a crawl costs: wall time, docs/s, peak RSS and stage shares against corpus size.

    PYTHONPATH=$PWD python benchmarks/scaling.py --sizes 1000 10000            # both paths
    PYTHONPATH=$PWD python benchmarks/scaling.py --paths text --sizes 1000000  # the 1M run (not in CI)

Text path: synthetic ~500-word documents with planted exact/near/partial copies
(benchmarks/synthetic.py) in one JSONL file. HTML path: the same texts, each wrapped in one of
three news-site templates (navigation, related links, newsletter box, footer) and stored as
JSONL records with an `html` field, so samestory extracts every page with trafilatura.
Both corpora also give 20% of documents one shared boilerplate paragraph, so candidate
generation is measured where many documents share text.

Each samestory run is its own process (`python -m samestory.cli run`-equivalent through the
Python API, so the per-stage timings of RunResult come back); wall time and peak RSS (sum over
the process tree, workers included, sampled every 50 ms) come from benchmarks/measure.py.
For HTML, "trafilatura alone" runs the same extraction call samestory makes on the same pages,
with the same number of worker processes, in its own process, in the same run.

read/clean/fingerprint run interleaved in worker processes and are timed together by the
pipeline; their split is estimated from a separate single-process pass over a sample of
documents (at most 1,000) and applied to the measured total -- it is an estimate.

"wall s" is the whole process (interpreter start and imports included, about a second);
"in-process s" is the call itself. The log-log exponent is fitted on both.

Writes --out/scaling.json, scaling.md (markdown table) and scaling.png (matplotlib).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from benchmarks.measure import run_measured  # noqa: E402

BOILERPLATE = (
    "This article is part of our regional news service. Our journalism is funded by readers like you: "
    "subscribe today for unlimited access to every story, the daily newsletter and our archive of local "
    "reporting going back twenty years. Corrections and complaints can be sent to the standards desk."
)

TEMPLATES = [
    ('<header class="site"><a href="/">The {site}</a><nav><a href="/news">News</a> <a href="/sport">Sport</a> '
     '<a href="/login">Log in</a></nav></header><main><article><h1>{title}</h1>',
     '</article></main><aside><h3>Most read</h3><ul><li><a href="/a">Council tax to rise</a></li>'
     '<li><a href="/b">New stadium plans</a></li></ul></aside><footer><p>&copy; 2024 The {site}</p>'
     '<a href="/privacy">Privacy</a></footer>'),
    ('<div id="top"><div class="logo">{site} Daily</div><ul class="menu"><li><a href="/">Home</a></li>'
     '<li><a href="/region">Region</a></li></ul></div><div class="content"><div class="story-body"><h1>{title}</h1>',
     '</div></div><div class="share">Share: Facebook | X | Email</div><div class="newsletter"><h4>Get our '
     'briefing</h4><p>Sign up for free.</p></div><div id="footer">{site} Daily &middot; <a href="/imprint">Imprint</a></div>'),
    ('<div class="bar">{site} News &mdash; the region in short</div><section class="post"><h1>{title}</h1>',
     '</section><p class="more"><a href="#">More from {site}</a></p><div class="foot">Copyright belongs to the '
     'original publishers.</div>'),
]
SITE_NAMES = ["Courier", "Ledger", "Gazette", "Herald", "Post", "Chronicle", "Observer", "Times"]


# --------------------------------------------------------------------------- corpora


def make_corpus(path_kind: str, n: int, seed: int, data: Path) -> Path:
    """Write (once) and return the corpus file for `path_kind` ("text" or "html") at size n."""
    from benchmarks.synthetic import generate

    target = data / f"scaling-{path_kind}-{n}-s{seed}.jsonl"
    if target.is_file():
        return target
    records, _ = generate(n, seed)
    rng = random.Random(seed)
    data.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for r in records:
            text = r["text"] + ("\n\n" + BOILERPLATE if rng.random() < 0.2 else "")
            if path_kind == "text":
                fh.write(json.dumps({"id": r["id"], "text": text}) + "\n")
                continue
            head, tail = rng.choice(TEMPLATES)
            site = rng.choice(SITE_NAMES)
            title = " ".join(text.split()[:7]).capitalize()
            body = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
            page = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} | {site}</title></head><body>'
                    + head.format(site=site, title=title) + body + tail.format(site=site) + "</body></html>")
            fh.write(json.dumps({"id": r["id"], "html": page}) + "\n")
    tmp.rename(target)
    return target


# --------------------------------------------------------------------------- child processes


def child_run(corpus: Path, result: Path, workers: int) -> None:
    from samestory import Settings, run

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        # rewrite tier off: the synthetic texts are word salad with no planted rewrites, which
        # sentence embeddings find alike (README: limits); benchmarks/bench_rewrite.py measures it
        res = run([corpus], out=Path(tmp) / "out", settings=Settings().replace(run={"workers": workers, "progress": False}, rewrite={"enabled": False}))
        wall = time.perf_counter() - t0
    result.write_text(json.dumps({"run_s": wall, "timings": res.timings, "summary": res.summary}))


def child_extract(corpus: Path, result: Path, workers: int, batch: int = 256) -> None:
    """trafilatura alone: the extraction call samestory makes, same pages, same worker count."""
    from samestory.executors import LocalExecutor

    def batches():
        chunk = []
        with open(corpus, encoding="utf-8") as fh:
            for line in fh:
                chunk.append(json.loads(line)["html"])
                if len(chunk) == batch:
                    yield chunk
                    chunk = []
        if chunk:
            yield chunk

    t0 = time.perf_counter()
    with LocalExecutor(workers) as pool:
        pages = sum(n for n in pool.map(_extract_batch, batches()))
    result.write_text(json.dumps({"run_s": time.perf_counter() - t0, "pages": pages}))


def _extract_batch(htmls: list[str]) -> int:
    from samestory.clean.extract import extract_html

    return sum(extract_html(h).text is not None for h in htmls)


def child_profile(corpus: Path, result: Path, sample: int = 1000) -> None:
    """Single-process split of read / clean / fingerprint over the first `sample` documents."""
    from itertools import islice

    from samestory import Settings
    from samestory.clean import clean_batch
    from samestory.lexical import fingerprint_batch
    from samestory.read import iter_documents

    settings = Settings().replace(run={"workers": 1, "progress": False})
    t0 = time.perf_counter()
    raws = list(islice(iter_documents([corpus]), sample))
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    cleaned = [clean_batch(raws[i:i + 256], settings) for i in range(0, len(raws), 256)]
    t_clean = time.perf_counter() - t0
    t0 = time.perf_counter()
    for c in cleaned:
        fingerprint_batch(c.text, settings)
    t_fp = time.perf_counter() - t0
    result.write_text(json.dumps({"read": t_read, "clean": t_clean, "fingerprint": t_fp}))


# --------------------------------------------------------------------------- measuring


def measure(mode: str, corpus: Path, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), f"_{mode}", str(corpus), str(result), str(workers)]
        env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        m = run_measured(cmd, env=env)
        data = json.loads(result.read_text())
    return {"wall_s": m["wall_s"], "peak_rss_mb": m["peak_rss_mb"], **data}


STAGES = ("read", "clean", "fingerprint", "candidates", "verify", "group_and_original", "write")


def stage_shares(timings: dict, split: dict) -> dict:
    t = dict(timings)
    # the per-document passes: read+clean, then (after learning site boilerplate) strip+fingerprint
    rcf = t.pop("read_clean_fingerprint", 0.0) + t.pop("read_clean", 0.0) + t.pop("boilerplate_fingerprint", 0.0)
    parts = sum(split.values()) or 1.0
    for k in ("read", "clean", "fingerprint"):
        t[k] = rcf * split.get(k, 0.0) / parts
    total = sum(t.values()) or 1.0
    return {k: t.get(k, 0.0) / total for k in STAGES}


def loglog_exponent(sizes: list[int], times: list[float]) -> float | None:
    import numpy as np

    if len(sizes) < 2:
        return None
    slope, _ = np.polyfit(np.log(sizes), np.log(times), 1)
    return float(slope)


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    series = {}
    for r in rows:
        series.setdefault(r["system"], []).append(r)
    for name, rs in sorted(series.items()):
        rs = sorted(rs, key=lambda r: r["docs"])
        ax1.plot([r["docs"] for r in rs], [r["wall_s"] for r in rs], marker="o", label=name)
        ax2.plot([r["docs"] for r in rs], [r["peak_rss_mb"] for r in rs], marker="o", label=name)
    for ax, label in ((ax1, "wall time (s)"), (ax2, "peak RSS, process tree (MB)")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("documents")
        ax.set_ylabel(label)
        ax.grid(True, which="both", alpha=0.3)
    ax1.legend(fontsize=8)
    fig.suptitle("samestory scaling (synthetic ~500-word documents)")
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})  # no version/timestamp metadata
    plt.close(fig)


def table(rows: list[dict], exponents: dict, ratios: dict) -> str:
    lines = ["| system | docs | wall s | in-process s | docs/s | peak RSS MB | " + " | ".join(f"{s} %" for s in STAGES) + " |",
             "|---|---:|---:|---:|---:|---:|" + "---:|" * len(STAGES)]
    for r in rows:
        shares = r.get("shares")
        cells = " | ".join(f"{100 * shares[s]:.0f}" for s in STAGES) if shares else " | ".join("-" for _ in STAGES)
        lines.append(f"| {r['system']} | {r['docs']:,} | {r['wall_s']:.1f} | {r['run_s']:.1f} | {r['docs'] / r['wall_s']:,.0f} | "
                     f"{r['peak_rss_mb']:,.0f} | {cells} |")
    lines.append("")
    for name, (e, e_in) in sorted(exponents.items()):
        lines.append(f"- time exponent (log-log fit of time against docs), {name}: "
                     + (f"{e:.2f} on wall time, {e_in:.2f} on in-process time" if e is not None else "n/a (one size)"))
    for n, (ratio, ratio_in) in sorted(ratios.items()):
        lines.append(f"- HTML, {n:,} docs: whole samestory pipeline / trafilatura alone = {ratio:.2f}x on wall time, "
                     f"{ratio_in:.2f}x in-process (target <= 1.3x)")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("_run", "_extract", "_profile"):
        mode, corpus, result, workers = argv[0], Path(argv[1]), Path(argv[2]), int(argv[3])
        {"_run": lambda: child_run(corpus, result, workers),
         "_extract": lambda: child_extract(corpus, result, workers),
         "_profile": lambda: child_profile(corpus, result)}[mode]()
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--paths", nargs="+", choices=("text", "html"), default=["text", "html"])
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, default=HERE / "data", help="where generated corpora are kept")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "scaling")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {args.workers} workers"
    print(f"machine: {machine}", flush=True)
    rows: list[dict] = []
    ratios: dict[int, float] = {}
    for kind in args.paths:
        for n in sorted(args.sizes):
            corpus = make_corpus(kind, n, args.seed, args.data)
            split = measure("profile", corpus, 1)
            split = {k: split[k] for k in ("read", "clean", "fingerprint")}
            r = measure("run", corpus, args.workers)
            row = {"system": f"samestory, {kind} path", "path": kind, "docs": n, "wall_s": r["wall_s"], "run_s": r["run_s"],
                   "peak_rss_mb": r["peak_rss_mb"], "timings": r["timings"], "read_split_sample": split,
                   "shares": stage_shares(r["timings"], split), "summary": r["summary"]}
            rows.append(row)
            print(f"{row['system']}: {n:,} docs in {r['wall_s']:.1f} s, peak RSS {r['peak_rss_mb']:,.0f} MB", flush=True)
            if kind == "html":
                e = measure("extract", corpus, args.workers)
                rows.append({"system": "trafilatura alone, html", "path": "html-extract", "docs": n,
                             "wall_s": e["wall_s"], "run_s": e["run_s"], "peak_rss_mb": e["peak_rss_mb"]})
                ratios[n] = (r["wall_s"] / e["wall_s"], r["run_s"] / e["run_s"])
                print(f"trafilatura alone: {n:,} pages in {e['wall_s']:.1f} s (ratio {ratios[n][0]:.2f}x)", flush=True)
    exponents = {}
    for name in sorted({r["system"] for r in rows}):
        rs = sorted((r for r in rows if r["system"] == name), key=lambda r: r["docs"])
        exponents[name] = (loglog_exponent([r["docs"] for r in rs], [r["wall_s"] for r in rs]),
                           loglog_exponent([r["docs"] for r in rs], [r["run_s"] for r in rs]))
    md = f"machine: {machine}\n\n" + table(rows, exponents, ratios)
    print(md)
    (args.out / "scaling.md").write_text(md)
    (args.out / "scaling.json").write_text(json.dumps(
        {"machine": machine, "rows": rows, "exponents": exponents, "html_ratio": ratios}, indent=2, sort_keys=True) + "\n")
    plot(rows, args.out / "scaling.png")
    print(f"wrote {args.out / 'scaling.md'}, scaling.json, scaling.png")


if __name__ == "__main__":
    main()
