"""Read the WMT21 document-level test sets (../shared/data/wmt21/, see its README).

Each `<doc>` is one news article: `<src>` in the source language, `<ref>` a human translation,
one `<hyp system=...>` per machine translation system. `read_set(pair)` gives, per article,
its versions as texts (paragraphs joined by blank lines, segments by spaces: what a crawled
page's clean text looks like) and as segment lists (sentence-aligned by segment id, for
measuring sentence judges). Research data: read from the shared folder, never copied.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

WMT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wmt21"
if not WMT.exists():  # a worktree lives one level deeper than the main checkout
    WMT = Path("/work/shared/data/wmt21")
SETS = ("is-en", "en-is", "de-fr", "fr-de")


@dataclass
class Version:
    kind: str              # "src", "ref" or "hyp"
    name: str              # "src", the translator, or the system
    lang: str
    paragraphs: list[list[str]]

    @property
    def segments(self) -> list[str]:
        return [s for p in self.paragraphs for s in p]

    @property
    def text(self) -> str:
        return "\n\n".join(" ".join(p) for p in self.paragraphs if p)


@dataclass
class Article:
    set: str
    doc_id: str
    src_lang: str
    tgt_lang: str
    src: Version
    refs: list[Version] = field(default_factory=list)
    hyps: list[Version] = field(default_factory=list)


def _version(node, kind: str) -> Version:
    name = "src" if kind == "src" else (node.get("translator") or node.get("system") or kind)
    paragraphs = [[(seg.text or "").strip() for seg in p.iter("seg")] for p in node.iter("p")]
    return Version(kind, name, node.get("lang") or "", [[s for s in p if s] for p in paragraphs])


def read_set(pair: str, folder: Path = WMT) -> list[Article]:
    """The articles of one test set ("is-en", "en-is", "de-fr", "fr-de")."""
    src_lang, tgt_lang = pair.split("-")
    root = ET.parse(folder / f"newstest2021.{pair}.all.xml").getroot()
    out = []
    for doc in root.iter("doc"):
        src = _version(doc.find("src"), "src")
        refs = [_version(r, "ref") for r in doc.findall("ref")]
        hyps = [_version(h, "hyp") for h in doc.findall("hyp")]
        out.append(Article(pair, doc.get("id"), src_lang, tgt_lang, src, refs, hyps))
    return out


def available(folder: Path = WMT) -> bool:
    return all((folder / f"newstest2021.{p}.all.xml").exists() for p in SETS)
