"""Reader of the WMT21 document-level news test sets in ../shared/data/wmt21/ (research use;
read from there, never copied into the project).

Each `<doc>` is one real article with its source text, a human reference translation and one
machine translation per participating system, all as paragraphs of sentences. `read_wmt21`
returns them as `WmtVersion` rows: one per (article, version), text = paragraphs joined by
newlines (sentences of one paragraph by spaces), which is how a clean page looks.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

__all__ = ["WMT_DIR", "WmtVersion", "read_wmt21", "wmt_available"]

def _shared_data() -> Path:
    """../shared/data beside the repository: the nearest one up the tree (a git worktree sits
    deeper than the main checkout)."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return Path(__file__).resolve().parents[2] / "shared" / "data"


WMT_DIR = _shared_data() / "wmt21"
PAIRS = ("is-en", "en-is", "de-fr", "fr-de")


@dataclass(frozen=True)
class WmtVersion:
    test_set: str      # "de-fr"
    doc: str           # the article's id in the test set
    version: str       # "src", "ref:A", "hyp:<system>"
    lang: str          # ISO 639-1
    text: str
    segments: tuple[str, ...]


def wmt_available(root: Path | None = None) -> bool:
    root = root or WMT_DIR
    return all((root / f"newstest2021.{p}.all.xml").exists() for p in PAIRS)


def _paragraphs(node) -> tuple[list[str], list[str]]:
    paras, segs = [], []
    for p in node.iter("p"):
        sentences = [(s.text or "").strip() for s in p.iter("seg")]
        sentences = [s for s in sentences if s]
        if sentences:
            paras.append(" ".join(sentences))
            segs.extend(sentences)
    return paras, segs


def read_wmt21(test_sets: tuple[str, ...] = PAIRS, root: Path | None = None) -> list[WmtVersion]:
    """Every version of every article of the given test sets, in file order."""
    root = root or WMT_DIR
    out: list[WmtVersion] = []
    for name in test_sets:
        tree = ET.parse(root / f"newstest2021.{name}.all.xml")
        for doc in tree.getroot().iter("doc"):
            for child in doc:
                if child.tag == "src":
                    version = "src"
                elif child.tag == "ref":
                    version = f"ref:{child.get('translator', '')}"
                elif child.tag == "hyp":
                    version = f"hyp:{child.get('system', '')}"
                else:
                    continue
                paras, segs = _paragraphs(child)
                if paras:
                    out.append(WmtVersion(name, doc.get("id", ""), version, child.get("lang", ""),
                                          "\n".join(paras), tuple(segs)))
    return out
