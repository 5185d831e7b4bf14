"""`samestory eval`: compare a run's groups with labels.

Labels come in two shapes (CSV, JSON or JSONL):
- cluster labels `doc_id,group[,variant]`: documents with the same `group` share a source text;
- pair labels `doc_a,doc_b,label[,variant]`: label 1 = same source text, 0 = not.
A `relation` column is read as `variant` (what kind of copy a document or pair is).

Pairwise figures are counted from group sizes (a contingency table of true group x predicted
cluster), never by listing pairs, so a group of 100,000 copies costs as much as one of two.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

__all__ = [
    "LabelError",
    "Labels",
    "load_labels",
    "evaluate",
    "evaluate_clusters",
    "adjusted_rand_index",
    "EVAL_FILE",
]

EVAL_FILE = "eval.json"
#: Unknown label ids listed by name in the report (all are counted).
UNKNOWN_LISTED = 20

_TRUE = {"1", "true", "yes", "same", "y", "t"}
_FALSE = {"0", "false", "no", "different", "n", "f"}


class LabelError(ValueError):
    """A labels file that cannot be used (shown to the user as one line)."""


@dataclass
class Labels:
    """Labels as read. `kind` is "cluster" (groups/variants set) or "pair" (pairs set)."""

    kind: str
    source: str = ""
    groups: dict[str, str] = field(default_factory=dict)
    variants: dict[str, str] = field(default_factory=dict)
    # (doc_a, doc_b, label 0/1, variant or "")
    pairs: list[tuple[str, str, int, str]] = field(default_factory=list)

    @property
    def doc_ids(self) -> set[str]:
        if self.kind == "cluster":
            return set(self.groups)
        return {d for a, b, _, _ in self.pairs for d in (a, b)}


# --------------------------------------------------------------------------- reading labels


def _rows_from_file(path: Path) -> list[dict]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LabelError(f"labels file not found: {path}") from None
    except IsADirectoryError:
        raise LabelError(f"labels file {path} is a folder, not a file") from None
    except OSError as exc:
        raise LabelError(f"cannot read labels file {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LabelError(f"labels file {path} is not UTF-8 text") from None
    if not text.strip():
        raise LabelError(f"labels file {path} is empty")
    suffix = path.suffix.lower()
    stripped = text.lstrip()
    if suffix == ".jsonl" or (suffix != ".json" and stripped.startswith("{") and "\n{" in stripped):
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                raise LabelError(f"labels file {path}: line {number} is not valid JSON") from None
            if not isinstance(obj, dict):
                raise LabelError(f"labels file {path}: line {number} is not a JSON object")
            rows.append(obj)
        return rows
    if suffix == ".json" or stripped[:1] in "[{":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LabelError(f"labels file {path} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
        if isinstance(data, dict) and isinstance(data.get("labels"), list):
            data = data["labels"]
        if isinstance(data, dict):
            # {"doc_id": "group", ...}
            if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in data.values()):
                raise LabelError(
                    f"labels file {path}: a JSON object must map doc_id to group (string or number); "
                    "use a list of objects for other columns"
                )
            return [{"doc_id": k, "group": v} for k, v in data.items()]
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise LabelError(f"labels file {path}: JSON must be a list of objects or an object doc_id -> group")
        return data
    # CSV (or TSV)
    first = text.splitlines()[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise LabelError(f"labels file {path} is not valid CSV: {exc}") from None
    return rows


def _norm_key(key) -> str:
    return str(key).strip().lower().replace(" ", "_").replace("-", "_") if key is not None else ""


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def load_labels(path: str | Path) -> Labels:
    """Read a labels file; raise LabelError with a one-line reason when it cannot be used."""
    path = Path(path)
    rows = [{_norm_key(k): v for k, v in row.items()} for row in _rows_from_file(path)]
    if not rows:
        raise LabelError(f"labels file {path} has no rows")
    columns = set().union(*(row.keys() for row in rows))
    variant_key = "variant" if "variant" in columns else ("relation" if "relation" in columns else None)
    if {"doc_a", "doc_b", "label"} <= columns:
        labels = Labels(kind="pair", source=str(path))
        seen: dict[tuple[str, str], int] = {}
        for number, row in enumerate(rows, start=2):
            a, b, value = _cell(row.get("doc_a")), _cell(row.get("doc_b")), _cell(row.get("label")).lower()
            if not a or not b:
                raise LabelError(f"labels file {path}: row {number} has an empty doc_a or doc_b")
            if a == b:
                raise LabelError(f"labels file {path}: row {number} pairs {a!r} with itself")
            if value in _TRUE:
                label = 1
            elif value in _FALSE:
                label = 0
            else:
                raise LabelError(f"labels file {path}: row {number} has label {value!r}; use 1 (same source text) or 0")
            key = (a, b) if a < b else (b, a)
            if key in seen and seen[key] != label:
                raise LabelError(f"labels file {path}: pair {key[0]!r}, {key[1]!r} is labelled both 1 and 0")
            if key in seen:
                continue
            seen[key] = label
            labels.pairs.append((key[0], key[1], label, _cell(row.get(variant_key)) if variant_key else ""))
        labels.pairs.sort()
        return labels
    id_key = next((k for k in ("doc_id", "id", "doc") if k in columns), None)
    group_key = next((k for k in ("group", "cluster", "group_id", "cluster_id") if k in columns), None)
    if id_key is None or group_key is None:
        found = ", ".join(sorted(c for c in columns if c)) or "none"
        raise LabelError(
            f"labels file {path} needs columns doc_id,group (cluster labels) or doc_a,doc_b,label "
            f"(pair labels); found: {found}"
        )
    labels = Labels(kind="cluster", source=str(path))
    for number, row in enumerate(rows, start=2):
        doc, group = _cell(row.get(id_key)), _cell(row.get(group_key))
        if not doc:
            raise LabelError(f"labels file {path}: row {number} has an empty {id_key}")
        if not group:
            raise LabelError(f"labels file {path}: row {number} ({doc}) has an empty {group_key}")
        if doc in labels.groups and labels.groups[doc] != group:
            raise LabelError(
                f"labels file {path}: {doc!r} is in two groups ({labels.groups[doc]!r} and {group!r})"
            )
        labels.groups[doc] = group
        if variant_key and _cell(row.get(variant_key)):
            labels.variants[doc] = _cell(row.get(variant_key))
    return labels


# --------------------------------------------------------------------------- metrics


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def adjusted_rand_index(contingency: Iterable[int], true_sizes: Iterable[int], pred_sizes: Iterable[int]) -> float:
    """Hubert-Arabie ARI from the cell counts and both margins (ints, so exact for any size).

    Written out (five lines) rather than taken from scikit-learn, which is not a dependency
    and would need the full label arrays.
    """
    true_sizes, pred_sizes = list(true_sizes), list(pred_sizes)
    index = sum(_pairs(c) for c in contingency)
    a = sum(_pairs(s) for s in true_sizes)
    b = sum(_pairs(s) for s in pred_sizes)
    total = _pairs(sum(true_sizes))
    if not total:
        return 1.0
    expected = a * b / total
    maximum = (a + b) / 2
    if maximum == expected:  # both partitions trivial in the same way (all singletons / one block)
        return 1.0
    return (index - expected) / (maximum - expected)


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 6) if den else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return round(2 * p * r / (p + r), 6) if p + r else 0.0


class _Texts:
    """Lazy word-shingle sets, to show how similar a missed or wrongly merged pair really is."""

    def __init__(self, texts: dict[str, str | None] | None, k: int):
        self.texts = texts or {}
        self.k = k
        self.cache: dict[str, object] = {}

    def overlap(self, a: str, b: str) -> dict:
        if a not in self.texts or b not in self.texts:
            return {}
        import numpy as np

        from .lexical import shingle_set

        sets = []
        for doc in (a, b):
            if doc not in self.cache:
                text = self.texts.get(doc)
                self.cache[doc] = shingle_set(text, self.k) if text else np.zeros(0, np.uint64)
            sets.append(self.cache[doc])
        sa, sb = sets
        if not len(sa) or not len(sb):
            return {"jaccard": 0.0, "containment": 0.0}
        shared = len(np.intersect1d(sa, sb, assume_unique=True))
        return {
            "jaccard": round(shared / (len(sa) + len(sb) - shared), 6),
            "containment": round(shared / min(len(sa), len(sb)), 6),
        }


def evaluate_clusters(
    doc_ids: Sequence[str],
    clusters: Sequence[str | None],
    labels: Labels,
    *,
    relations: Sequence[str | None] | None = None,
    statuses: Sequence[str | None] | None = None,
    pairs: Iterable[dict] | None = None,
    texts: Sequence[str | None] | None = None,
    shingle_words: int = 5,
    top: int = 10,
) -> dict:
    """Score one predicted clustering (`clusters[i]` is the cluster of `doc_ids[i]`; None = alone).

    `pairs` (rows of pairs.parquet) and `texts` only feed the explanations of errors.
    Works for any clustering, so a baseline is scored by the same code as samestory.
    """
    n = len(doc_ids)
    cluster_of = {d: (c if c is not None else f"\0{d}") for d, c in zip(doc_ids, clusters)}
    relation_of = dict(zip(doc_ids, relations)) if relations is not None else {}
    status_of = dict(zip(doc_ids, statuses)) if statuses is not None else {}
    text_of = _Texts(dict(zip(doc_ids, texts)) if texts is not None else None, shingle_words)
    labelled = labels.doc_ids
    unknown = sorted(labelled - cluster_of.keys())
    report: dict = {
        "labels": {"file": labels.source, "kind": labels.kind},
        "documents": {
            "in_run": n,
            "labelled_in_run": len(labelled & cluster_of.keys()),
            "unlabelled_left_out": sum(1 for d in doc_ids if d not in labelled),
            "labelled_not_ok": sum(1 for d in labelled & cluster_of.keys() if status_of.get(d, "ok") != "ok"),
            "unknown_label_ids": len(unknown),
            "unknown_label_ids_listed": unknown[:UNKNOWN_LISTED],
        },
    }

    def doc_info(d: str) -> dict:
        info = {"doc_id": d, "predicted_cluster": None if cluster_of[d].startswith("\0") else cluster_of[d]}
        if relation_of:
            info["predicted_relation"] = relation_of.get(d)
        if status_of and status_of.get(d) != "ok":
            info["status"] = status_of.get(d)
        return info

    edges: dict[tuple[str, str], dict] = {}
    for row in pairs or ():
        a, b = sorted((row["doc_a"], row["doc_b"]))
        edges[(a, b)] = row

    def evidence(a: str, b: str) -> dict:
        key = tuple(sorted((a, b)))
        if key in edges:
            row = edges[key]
            return {k: row.get(k) for k in ("relation", "score", "jaccard", "containment")} | {"verified_pair": True}
        return {"verified_pair": False} | text_of.overlap(a, b)

    if labels.kind == "cluster":
        report.update(_cluster_scores(labels, cluster_of, doc_info, evidence, edges, top))
    else:
        report.update(_pair_scores(labels, cluster_of, doc_info, evidence, top))
    return report


@dataclass
class _Table:
    """Labelled documents against predicted clusters: the contingency counts and where each
    true group went."""

    docs: list[str]
    group_of: dict[str, str]
    cluster_of: dict
    variant_of: dict[str, str]
    cells: Counter
    true_sizes: Counter
    pred_sizes: Counter
    originals: dict[str, list[str]] = field(default_factory=dict)
    reference: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, labels: Labels, cluster_of: dict) -> "_Table":
        docs = sorted(d for d in labels.groups if d in cluster_of)
        group_of = {d: labels.groups[d] for d in docs}
        t = cls(
            docs=docs, group_of=group_of, cluster_of=cluster_of, variant_of=labels.variants,
            cells=Counter((group_of[d], cluster_of[d]) for d in docs),
            true_sizes=Counter(group_of[d] for d in docs), pred_sizes=Counter(cluster_of[d] for d in docs),
        )
        # Where each true group "went": the cluster of its one original (variant "original") when
        # the labels mark one, else the predicted cluster holding most of it (ties: smallest id).
        t.originals = defaultdict(list)
        for d in docs:
            if t.variant_of.get(d, "") == "original":
                t.originals[group_of[d]].append(d)
        main_cluster: dict[str, str] = {}
        for (g, c), count in sorted(t.cells.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])):
            main_cluster.setdefault(g, c)
        for g in t.true_sizes:
            t.reference[g] = cluster_of[t.originals[g][0]] if len(t.originals[g]) == 1 else main_cluster[g]
        return t


def _variant_recall(t: _Table) -> list[dict]:
    """Per variant: recall = share of its documents found in their group's reference cluster (the
    original's), so a missed rewrite does not count against the exact copies of the same story;
    false merges = documents sharing a predicted cluster with a document of another true group."""
    by_variant: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for d in t.docs:
        v = t.variant_of.get(d, "")
        g, c = t.group_of[d], t.cluster_of[d]
        row = by_variant[v]
        row[0] += 1
        if t.true_sizes[g] > 1 and not (len(t.originals[g]) == 1 and t.originals[g][0] == d):
            row[1] += 1
            row[2] += c == t.reference[g]
        row[3] += t.pred_sizes[c] > t.cells[(g, c)]
    return [
        {"variant": v or "(none)", "documents": row[0], "with_reference": row[1], "found": row[2],
         "recall": _ratio(row[2], row[1]), "falsely_merged_documents": row[3]}
        for v, row in sorted(by_variant.items())
    ]


def _false_merges(t: _Table, doc_info, evidence, edges) -> list[dict]:
    """Verified pairs that join two true groups; without pairs (a baseline), one pair per extra
    true group inside a predicted cluster. Worst (highest score) first."""
    group_of, cells = t.group_of, t.cells
    merges = [(a, b) for (a, b) in edges if a in group_of and b in group_of and group_of[a] != group_of[b]]
    if not edges:
        members: dict[str, dict[str, str]] = defaultdict(dict)
        for d in t.docs:
            members[t.cluster_of[d]].setdefault(group_of[d], d)
        for c, firsts in members.items():
            if len(firsts) > 1:
                ordered = sorted(firsts.items(), key=lambda kv: (-cells[(kv[0], c)], kv[0]))
                merges.extend((ordered[0][1], other) for _, other in ordered[1:])
    out = []
    for a, b in merges:
        item = {
            "doc_a": doc_info(a) | {"group": group_of[a], "variant": t.variant_of.get(a)},
            "doc_b": doc_info(b) | {"group": group_of[b], "variant": t.variant_of.get(b)},
        } | evidence(a, b)
        item["wrongly_joined_pairs"] = cells[(group_of[a], t.cluster_of[a])] * cells[(group_of[b], t.cluster_of[b])]
        out.append(item)
    out.sort(key=lambda m: (-(m.get("score") or m.get("jaccard") or 0.0), m["doc_a"]["doc_id"], m["doc_b"]["doc_id"]))
    return out


def _misses(t: _Table, doc_info, evidence, top: int) -> tuple[int, list[dict]]:
    """Documents outside their group's reference cluster, each compared with the document of the
    reference cluster it should have joined (the original first)."""
    anchor_of: dict[str, str] = {}
    for d in sorted(t.docs, key=lambda d: (t.variant_of.get(d, "") not in ("", "original"), d)):
        if t.cluster_of[d] == t.reference[t.group_of[d]]:
            anchor_of.setdefault(t.group_of[d], d)
    misses = []
    for d in t.docs:
        g = t.group_of[d]
        if t.true_sizes[g] > 1 and t.cluster_of[d] != t.reference[g]:
            misses.append((t.true_sizes[g] - t.cells[(g, t.cluster_of[d])], d, g))
    misses.sort(key=lambda m: (-m[0], t.variant_of.get(m[1], ""), m[1]))
    worst = []
    for missed, d, g in misses[:top]:
        item = {"doc": doc_info(d) | {"variant": t.variant_of.get(d)}, "group": g,
                "group_found_as": doc_info(anchor_of[g]) | {"variant": t.variant_of.get(anchor_of[g])},
                "missed_pairs": missed}
        item |= {k: v for k, v in evidence(d, anchor_of[g]).items() if k != "verified_pair"}
        worst.append(item)
    return len(misses), worst


def _cluster_scores(labels: Labels, cluster_of: dict, doc_info, evidence, edges, top: int) -> dict:
    t = _Table.build(labels, cluster_of)
    tp = sum(_pairs(c) for c in t.cells.values())
    true_same = sum(_pairs(s) for s in t.true_sizes.values())
    pred_same = sum(_pairs(s) for s in t.pred_sizes.values())
    precision, recall = _ratio(tp, pred_same), _ratio(tp, true_same)
    ari = adjusted_rand_index(list(t.cells.values()), list(t.true_sizes.values()), list(t.pred_sizes.values()))
    false_merges = _false_merges(t, doc_info, evidence, edges)
    misses_total, worst_misses = _misses(t, doc_info, evidence, top)
    return {
        "labels": {"file": labels.source, "kind": "cluster", "labelled_documents": len(labels.groups),
                   "groups": len(set(labels.groups.values()))},
        "pairs": {"true_same": true_same, "predicted_same": pred_same, "true_positive": tp,
                  "false_positive": pred_same - tp, "false_negative": true_same - tp},
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "adjusted_rand_index": round(ari, 6),
        "by_variant": _variant_recall(t),
        "false_merges_total": len(false_merges),
        "worst_false_merges": false_merges[:top],
        "misses_total": misses_total,
        "worst_misses": worst_misses,
    }


def _pair_scores(labels: Labels, cluster_of: dict, doc_info, evidence, top: int) -> dict:
    counts = Counter()
    by_variant: dict[str, Counter] = defaultdict(Counter)
    false_merges, misses = [], []
    skipped = 0
    for a, b, label, variant in labels.pairs:
        if a not in cluster_of or b not in cluster_of:
            skipped += 1
            continue
        same = cluster_of[a] == cluster_of[b]
        key = ("tp" if same else "fn") if label else ("fp" if same else "tn")
        counts[key] += 1
        by_variant[variant][key] += 1
        if key == "fp":
            false_merges.append((a, b, variant))
        elif key == "fn":
            misses.append((a, b, variant))
    precision = _ratio(counts["tp"], counts["tp"] + counts["fp"])
    recall = _ratio(counts["tp"], counts["tp"] + counts["fn"])

    def explain(items):
        out = [{"doc_a": doc_info(a), "doc_b": doc_info(b), "variant": v or None} | evidence(a, b) for a, b, v in items]
        out.sort(key=lambda m: (-(m.get("score") or m.get("jaccard") or 0.0), m["doc_a"]["doc_id"], m["doc_b"]["doc_id"]))
        return out

    return {
        "labels": {"file": labels.source, "kind": "pair", "labelled_pairs": len(labels.pairs),
                   "pairs_with_unknown_ids": skipped},
        "pairs": {"labelled_same": counts["tp"] + counts["fn"], "labelled_different": counts["fp"] + counts["tn"],
                  "true_positive": counts["tp"], "false_positive": counts["fp"], "false_negative": counts["fn"],
                  "true_negative": counts["tn"]},
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "adjusted_rand_index": None,  # needs a partition; pair labels do not give one
        "by_variant": [
            {"variant": v or "(none)", "same_pairs": c["tp"] + c["fn"], "recall": _ratio(c["tp"], c["tp"] + c["fn"]),
             "different_pairs": c["fp"] + c["tn"], "false_merges": c["fp"]}
            for v, c in sorted(by_variant.items())
        ],
        "false_merges_total": len(false_merges),
        "worst_false_merges": explain(false_merges)[:top],
        "misses_total": len(misses),
        "worst_misses": explain(misses[: max(top * 20, 200)])[:top],
    }


# --------------------------------------------------------------------------- run folders


class RunFolderError(ValueError):
    """An OUT_DIR that does not hold a samestory run."""


def evaluate(out_dir: str | Path, labels: str | Path | Labels, *, top: int = 10, write: bool = True) -> dict:
    """Compare the run in `out_dir` with `labels`; write `out_dir/eval.json` when `write`."""
    import pyarrow.parquet as pq

    out_dir = Path(out_dir)
    docs_file = out_dir / "documents.parquet"
    if not docs_file.is_file():
        raise RunFolderError(f"{out_dir} holds no samestory run (documents.parquet not found); run `samestory run ... --out {out_dir}` first")
    from .output import UnfinishedRunError, check_finished

    try:
        check_finished(out_dir)
    except UnfinishedRunError as exc:
        raise RunFolderError(str(exc)) from None
    if not isinstance(labels, Labels):
        labels = load_labels(labels)
    try:
        documents = pq.read_table(docs_file, columns=["doc_id", "status", "cluster_id", "relation", "text"])
        pairs_file = out_dir / "pairs.parquet"
        pairs = (
            pq.read_table(pairs_file, columns=["doc_a", "doc_b", "relation", "score", "jaccard", "containment"]).to_pylist()
            if pairs_file.is_file() else []
        )
    except Exception as exc:  # a damaged or foreign parquet file: say which, not a traceback
        raise RunFolderError(f"cannot read the run in {out_dir}: {exc}") from None
    shingle_words = 5
    try:
        shingle_words = int(json.loads((out_dir / "run.json").read_text())["settings"]["lexical"]["shingle_words"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    col = documents.column
    report = evaluate_clusters(
        col("doc_id").to_pylist(), col("cluster_id").to_pylist(), labels,
        relations=col("relation").to_pylist(), statuses=col("status").to_pylist(),
        pairs=pairs, texts=col("text").to_pylist(), shingle_words=shingle_words, top=top,
    )
    report["run"] = str(out_dir)
    if write:
        (out_dir / EVAL_FILE).write_text(json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


# --------------------------------------------------------------------------- printing


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def print_report(report: dict, console=None, title: str = "samestory eval") -> None:
    """Rich tables: the headline figures, recall per variant, the worst errors."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    d = report["documents"]
    head = Table(title=title, show_header=False, title_justify="left")
    head.add_column(style="bold")
    head.add_column(justify="right")
    for name in ("precision", "recall", "f1", "adjusted_rand_index"):
        head.add_row(name.replace("_", " "), _fmt(report[name]))
    for name, value in report["pairs"].items():
        head.add_row(f"pairs: {name.replace('_', ' ')}", _fmt(value))
    head.add_row("documents in run", _fmt(d["in_run"]))
    head.add_row("  labelled (evaluated)", _fmt(d["labelled_in_run"]))
    head.add_row("  unlabelled (left out)", _fmt(d["unlabelled_left_out"]))
    if d["labelled_not_ok"]:
        head.add_row("  labelled but rejected", _fmt(d["labelled_not_ok"]))
    head.add_row("label ids not in run", _fmt(d["unknown_label_ids"]))
    console.print(head)
    if d["unknown_label_ids"]:
        shown = ", ".join(d["unknown_label_ids_listed"])
        more = d["unknown_label_ids"] - len(d["unknown_label_ids_listed"])
        console.print(f"[yellow]label ids not in the run:[/] {shown}" + (f" (and {more} more)" if more else ""), highlight=False)
    console.print(variant_table(report))
    errors = Table(title="worst false merges and misses", title_justify="left")
    for name in ("kind", "documents", "variant", "found as", "score / jaccard / containment"):
        errors.add_column(name, overflow="fold")
    for m in report["worst_false_merges"]:
        a, b = m["doc_a"], m["doc_b"]
        variant = m.get("variant") or "/".join(str(x.get("variant") or "-") for x in (a, b))
        errors.add_row("false merge", f"{a['doc_id']}\n{b['doc_id']}", variant, m.get("relation") or "(via group)",
                       f"{_fmt(m.get('score'))} / {_fmt(m.get('jaccard'))} / {_fmt(m.get('containment'))}")
    for m in report["worst_misses"]:
        if "doc" in m:
            a, b = m["doc"], m["group_found_as"]
            variant = a.get("variant")
        else:
            a, b, variant = m["doc_a"], m["doc_b"], m.get("variant")
        found = a.get("status") or (f"{a['predicted_relation']} of other" if a.get("predicted_relation") else "alone/other")
        errors.add_row("miss", f"{a['doc_id']}\n{b['doc_id']}", variant or "-", found,
                       f"- / {_fmt(m.get('jaccard'))} / {_fmt(m.get('containment'))}")
    if errors.row_count:
        console.print(errors)
    console.print(f"false merges: {report['false_merges_total']:,}   misses: {report['misses_total']:,}", highlight=False)


def variant_table(report: dict, baseline: dict | None = None, title: str = "by variant"):
    """Recall and false merges per variant; with `baseline`, its figures side by side."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    pair_mode = report["labels"]["kind"] == "pair"
    table.add_column("variant")
    table.add_column("pairs" if pair_mode else "docs", justify="right")
    table.add_column("recall", justify="right")
    table.add_column("false merges", justify="right")
    if baseline is not None:
        table.add_column("baseline recall", justify="right")
        table.add_column("baseline false merges", justify="right")
    base = {row["variant"]: row for row in (baseline or {}).get("by_variant", [])}
    for row in report["by_variant"]:
        count = row["same_pairs"] + row["different_pairs"] if pair_mode else row["documents"]
        merges = row["false_merges"] if pair_mode else row["falsely_merged_documents"]
        cells = [row["variant"], _fmt(count), _fmt(row["recall"]), _fmt(merges)]
        if baseline is not None:
            b = base.get(row["variant"], {})
            cells += [_fmt(b.get("recall")), _fmt(b.get("false_merges", b.get("falsely_merged_documents")))]
        table.add_row(*cells)
    return table
