"""One settings object for every threshold and default; readable from TOML.

Every stage takes the same `Settings`; the CLI only overrides fields of it.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """A settings file or value that cannot be used (shown to the user as one line)."""


@dataclass(frozen=True)
class Settings:
    # --- reading ---------------------------------------------------------
    #: Documents larger than this (decoded HTML or text) are rejected, not parsed:
    #: a 20 MB "page" is nearly always a dump or a trap, and extraction time grows with it.
    max_document_bytes: int = 10_000_000
    #: Records handed to a worker at once (per-document stages work on batches).
    batch_size: int = 256

    # --- cleaning --------------------------------------------------------
    #: Clean texts with fewer words are rejected as "no main text".
    min_words: int = 1
    #: Strip leading/trailing site-UI lines ("leave a comment", "Log in", cookie notices...).
    strip_chrome_lines: bool = True
    #: A chrome line has at most this many words (longer lines are treated as prose).
    chrome_max_words: int = 14

    # --- site boilerplate (samestory/clean/boilerplate.py) ---------------------
    #: Learn lines that recur on many pages of one site and remove them before fingerprinting.
    site_boilerplate: bool = True
    #: Sites with fewer clean pages are left alone (too little evidence to tell a template
    #: from a quote that a few articles share).
    boilerplate_min_site_pages: int = 4
    #: A line is boilerplate when it occurs on at least max(min_pages, ceil(min_share * N))
    #: different articles of a site with N pages: the floor protects small sites, the share
    #: protects stock sentences that a handful of articles on a big site repeat.
    boilerplate_min_pages: int = 3
    boilerplate_min_share: float = 0.2
    #: Longer lines are prose, never boilerplate.
    boilerplate_max_words: int = 60
    #: Two pages holding a line are copies of one article (and count once) when the other
    #: lines they share make up at least this share of the shorter page's words.
    boilerplate_same_article_containment: float = 0.5
    #: Pages examined per line for the "different articles" check (a fixed sample, so the
    #: cost does not grow with the site; the count is scaled up to all pages).
    boilerplate_sample_pages: int = 64

    # --- fingerprinting ----------------------------------------------------
    #: Words per shingle for near/partial detection.
    shingle_words: int = 5
    #: MinHash permutations and LSH banding (bands * rows must equal num_perm).
    num_perm: int = 128
    lsh_bands: int = 32
    lsh_rows: int = 4
    #: Seed of the MinHash permutations (part of determinism).
    seed: int = 1
    #: Anchor sampling for partial-copy candidates: a shingle is an anchor when
    #: hash % anchor_modulus == 0 (content-defined, so an excerpt keeps the source's anchors).
    anchor_modulus: int = 8

    # --- candidates --------------------------------------------------------
    #: Anchors/LSH buckets shared by more documents than this are treated as common
    #: phrases (boilerplate, quotes): within them only star pairs are emitted, which
    #: keeps candidate generation linear when many documents share text.
    max_bucket_pairs_size: int = 50
    #: Anchors that occur in more documents than this are ignored altogether.
    max_anchor_df: int = 200
    #: Two documents become a partial candidate when they share this many anchors.
    min_shared_anchors: int = 2

    # --- verification ----------------------------------------------------
    #: near: verified word-shingle Jaccard at least this.
    near_min_jaccard: float = 0.5
    #: partial: at least this share of the shorter text's shingles occur in the longer...
    partial_min_containment: float = 0.7
    #: ...and the shorter has at most this share of the longer's shingles (else it is "near").
    partial_max_length_ratio: float = 0.8
    #: The shorter text needs this many shingles to be called a partial copy
    #: (a one-line "Read more" must not be an excerpt of every article).
    partial_min_shingles: int = 20

    # --- report (report.html) ----------------------------------------------
    #: Write report.html with the other outputs (`--no-report` turns it off).
    report: bool = True
    #: Groups shown in report.html, largest first (the rest are counted, not shown):
    #: the page embeds the texts it shows, so this bounds its size.
    report_max_groups: int = 10_000
    #: Members shown per group (the largest syndicated stories have thousands).
    report_max_members: int = 200
    #: Characters of each document's text embedded in the report (longer texts are cut, with a note).
    report_max_text_chars: int = 20_000
    #: Rejected documents listed in the report (all are counted by reason in the summary).
    report_max_rejected: int = 10_000
    #: Text embedded in the report in all (characters; sentences a copy shares with its canonical
    #: are stored once): when the next group would pass it, the report stops adding groups.
    report_max_total_chars: int = 100_000_000

    # --- rewrite tier (issue 3: paraphrased, spun, translated-back copies) -----
    #: Look for rewrites with sentence embeddings (`--no-rewrites` turns it off).
    rewrites: bool = True
    #: sentence-transformers model name or folder; the default is the packaged all-MiniLM-L6-v2.
    rewrite_model: str = "all-MiniLM-L6-v2"
    #: Sentences embedded per model call.
    embed_batch_size: int = 64
    #: Candidates: each document's signature is its proper names as character n-grams of this
    #: length (so Hvistendahl still meets Hvittendal), its numbers, and its long words.
    rewrite_name_ngram: int = 4
    #: Words of at least this many letters are "long words" (cut to this many letters, so
    #: inflected forms still meet).
    rewrite_long_word: int = 8
    #: Signature features shared by more documents than this are topic words, not evidence.
    rewrite_max_feature_df: int = 100
    #: Two documents become a rewrite candidate when they share this many signature features...
    rewrite_min_shared_features: int = 8
    #: ...and these make at least this share of the smaller signature.
    rewrite_min_signature_overlap: float = 0.25
    #: Each document keeps at most this many rewrite candidates (the best by overlap).
    rewrite_max_candidates_per_doc: int = 20
    #: Documents with fewer words are not checked for rewrites.
    rewrite_min_words: int = 30
    #: Lexical screen before embedding: a candidate pair goes on only when this share of the
    #: shorter document's sentences share content words with some sentence of the other...
    rewrite_prefilter_min_coverage: float = 0.4
    #: ...at this overlap coefficient (0 coverage turns the screen off).
    rewrite_prefilter_min_overlap: float = 0.3
    #: Verification: sentences with fewer words take no part in the alignment.
    rewrite_min_sentence_words: int = 4
    #: Two sentences align when their embeddings' cosine is at least this.
    rewrite_min_similarity: float = 0.7
    #: Sentences in a gap between two aligned pairs (same number on both sides) align in order
    #: at this lower similarity (their place in the order is evidence too)...
    rewrite_gap_min_similarity: float = 0.5
    #: ...for gaps of at most this many sentences on each side.
    rewrite_gap_max_sentences: int = 2
    #: rewrite when this share of the shorter document's sentences align...
    rewrite_min_coverage: float = 0.6
    #: ...with at least this many one-to-one aligned sentence pairs...
    rewrite_min_aligned: int = 3
    #: ...and at least this share of those pairs in the same order in both documents.
    rewrite_min_order: float = 0.4
    #: Name variants: two names in aligned sentences are variants at this similarity.
    rewrite_name_min_similarity: float = 0.8

    # --- running -----------------------------------------------------------
    #: Worker processes for per-document stages; 0 means all cores.
    workers: int = 0
    progress: bool = True

    # ------------------------------------------------------------------
    def __post_init__(self) -> None:
        if self.lsh_bands * self.lsh_rows != self.num_perm:
            raise ConfigError(
                f"lsh_bands * lsh_rows must equal num_perm ({self.lsh_bands} * {self.lsh_rows} != {self.num_perm})"
            )
        for name in (
            "near_min_jaccard", "partial_min_containment", "partial_max_length_ratio",
            "rewrite_min_signature_overlap", "rewrite_min_coverage", "rewrite_min_order",
            "rewrite_name_min_similarity", "rewrite_min_similarity", "rewrite_gap_min_similarity",
            "rewrite_prefilter_min_coverage", "rewrite_prefilter_min_overlap",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"{name} must be between 0 and 1, got {value}")
        for name in ("shingle_words", "num_perm", "batch_size", "anchor_modulus", "max_document_bytes",
                     "report_max_groups", "report_max_members", "report_max_text_chars",
                     "embed_batch_size", "rewrite_name_ngram", "rewrite_long_word", "rewrite_max_candidates_per_doc"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        # site boilerplate
        for name in ("boilerplate_min_share", "boilerplate_same_article_containment"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(f"{name} must be between 0 and 1, got {getattr(self, name)}")
        for name in ("boilerplate_min_site_pages", "boilerplate_min_pages", "boilerplate_max_words", "boilerplate_sample_pages"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")

    @property
    def effective_workers(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)

    def replace(self, **changes: Any) -> "Settings":
        """A copy with some fields changed; `None` values are ignored (unset CLI options)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_toml(cls, path: str | Path) -> "Settings":
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
        # Accept either top-level keys or a [samestory] table.
        data = data.get("samestory", data)
        return cls.from_dict(data, origin=str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str = "settings") -> "Settings":
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ConfigError(f"{origin}: unknown setting(s): {', '.join(unknown)}")
        typed: dict[str, Any] = {}
        for key, value in data.items():
            default = known[key].default
            if isinstance(default, bool) and not isinstance(value, bool):
                raise ConfigError(f"{origin}: {key} must be true or false")
            if isinstance(default, (int, float)) and not isinstance(default, bool):
                if not isinstance(value, (int, float)) or isinstance(value, bool):
                    raise ConfigError(f"{origin}: {key} must be a number")
                value = type(default)(value)
            typed[key] = value
        return cls(**typed)
