"""Legacy encodings: samestory's decoder against charset-normalizer on re-encoded real pages.

Real text, re-encoded: every extraction-dev page (990 real web pages, mostly German and
English, some Russian, Chinese, Japanese, Greek, Hebrew, Arabic, Korean; see
/work/shared/data/README.md) is decoded, its visible text taken (lxml, scripts and styles
dropped), and two samples cut from it: `long` (the first 5,000 characters) and `short` (the
first sentence of 40-300 characters that holds a non-ASCII letter: the hard case, since a
short text gives a detector little to go on). Each sample is encoded in every legacy encoding
that can encode it and that its script is written in (Latin text in the Latin code pages, not
in EUC-JP), and in UTF-16/32 with a byte order mark; the 27 pages that are not UTF-8 are also
decoded as served with their `<meta charset>` removed (the truth: the page decoded as a
browser reads its declared label, ISO-8859-1 as windows-1252). Built samples: short sentences written
for this benchmark in 19 languages (SENTENCES), each in its code pages, and files of mixed
lines (UTF-8 lines and cp1252 lines from the German pages).

Each decoder scores the share of samples whose text comes back exactly:
- samestory: `samestory.read.decode.decode_bytes`;
- charset-normalizer: `str(charset_normalizer.from_bytes(data).best())`;
- with `--baseline COMMIT`: the decoder of that commit (git show COMMIT:samestory/read/decode.py).

    python benchmarks/encodings.py --baseline 83bdbb3
"""

from __future__ import annotations

import argparse
import collections
import gzip
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from samestory.read.decode import decode_bytes, web_codec  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "extraction-dev"
if not DATA.exists():
    DATA = Path("/work/shared/data/extraction-dev")

#: The code pages each script is written in (the multi-byte ones by language, below).
LATIN = ["cp1252", "iso8859_15", "cp1250", "iso8859_2", "cp1254", "iso8859_9", "cp1257"]
BY_SCRIPT = {
    "LATIN": LATIN, "CYRILLIC": ["cp1251", "koi8_r", "koi8_u"], "GREEK": ["cp1253", "iso8859_7"],
    "HEBREW": ["cp1255"], "ARABIC": ["cp1256"], "THAI": ["cp874"],
    "HIRAGANA": ["shift_jis", "euc_jp"], "KATAKANA": ["shift_jis", "euc_jp"], "HANGUL": ["euc_kr"],
    "CJK": ["gbk", "big5"],
}
BOMS = ["utf_16", "utf_32"]  # Python writes these with a BOM

#: Short news-like sentences written for this benchmark (not copied from anywhere).
SENTENCES = {
    "French": "Le naïf maître d’hôtel a reçu l’œuvre « Noël » — un cadeau de 20 € pour l’été.",
    "French, short": "Héloïse est naïve.",
    "German": "Die Brücke über die Lune wird gesperrt, sagte der Bürgermeister am Dienstag.",
    "Spanish": "El alcalde dijo que el puente cerrará por reparaciones hasta finales de año.",
    "Portuguese": "O prefeito disse que a ponte ficará fechada para reparações até o fim do verão.",
    "Italian": "Il sindaco ha detto che il ponte resterà chiuso fino a metà ottobre, però.",
    "Danish": "Borgmesteren sagde, at broen over åen lukker på grund af skader efter stormen.",
    "Swedish": "Borgmästaren sade att bron över ån stängs för reparation till slutet av maj.",
    "Icelandic": "Borgarstjórinn sagði að brúin yrði lokuð þar til viðgerð lýkur í maí.",
    "Czech": "Starosta řekl, že most přes řeku bude uzavřen kvůli opravě až do konce května.",
    "Czech, short": "Dobrý den, město.",
    "Slovak": "Starosta povedal, že most cez rieku bude zatvorený do konca mája kvôli oprave.",
    "Polish": "Burmistrz powiedział, że most na rzece zostanie zamknięty do końca maja.",
    "Hungarian": "A polgármester szerint a hidat május végéig lezárják a javítások miatt.",
    "Romanian": "Primarul a spus că podul va fi închis pentru reparații până la sfârșitul lunii mai.",
    "Turkish": "Belediye başkanı, köprünün mayıs sonuna kadar onarım için kapatılacağını söyledi.",
    "Lithuanian": "Meras sakė, kad tiltas bus uždarytas remontui iki gegužės pabaigos.",
    "Russian": "Мэр города заявил, что мост через реку будет закрыт на ремонт до конца мая.",
    "Ukrainian": "Мер міста заявив, що міст через річку буде закритий на ремонт до кінця травня.",
    "Greek": "Ο δήμαρχος δήλωσε ότι η γέφυρα θα κλείσει για επισκευή μέχρι τα τέλη Μαΐου.",
    "Hebrew": "ראש העיר אמר שהגשר ייסגר לתיקונים עד סוף מאי.",
    "Arabic": "قال رئيس البلدية إن الجسر سيغلق للإصلاح حتى نهاية مايو.",
    "Japanese": "市長は、橋が五月末まで修理のために閉鎖されると述べた。",
    "Chinese": "市长说这座桥将关闭维修，直到五月底。",
    "Korean": "시장은 다리가 5월 말까지 수리를 위해 폐쇄될 것이라고 말했다.",
}


def script_of(text: str) -> str | None:
    """The script most of the text's non-ASCII letters are in."""
    counts = collections.Counter(unicodedata.name(c, "?").split()[0] for c in text if not c.isascii() and c.isalpha())
    return counts.most_common(1)[0][0] if counts else None


def encodings_for(text: str) -> list[str]:
    script = script_of(text)
    if script is None:
        return []
    if script in ("HIRAGANA", "KATAKANA") or (script == "CJK" and re.search("[\u3040-\u30ff]", text)):
        names = BY_SCRIPT["HIRAGANA"]
    elif script == "CJK":
        names = BY_SCRIPT["CJK"]
    else:
        names = BY_SCRIPT.get(script, [])
    out = []
    for name in names:
        try:
            text.encode(name)
            out.append(name)
        except UnicodeEncodeError:
            pass
    return out


def visible_text(html: str) -> str:
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except Exception:
        return ""
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    return " ".join(tree.text_content().split())


_SENTENCE = re.compile(r"[^.!?。]{40,300}[.!?。]")


def samples_from_pages(limit: int | None) -> tuple[list[tuple[str, str, bytes, str]], list[tuple[str, bytes, str]]]:
    """(kind, encoding, bytes, text) re-encoded samples; (name, bytes, text) pages served in a legacy encoding."""
    samples, served = [], []
    files = sorted((DATA / "html").glob("*.html.gz"))[:limit]
    meta = re.compile(rb"""<meta[^>]*charset[^>]*>""", re.I)
    for f in files:
        raw = gzip.decompress(f.read_bytes())
        try:
            html = raw.decode("utf-8")
        except UnicodeDecodeError:
            declared = re.search(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", raw[:4096], re.I)
            stripped = meta.sub(b"", raw)
            try:
                # as a browser reads the declared label (ISO-8859-1 as windows-1252: WHATWG)
                truth = stripped.decode(web_codec(declared.group(1).decode())) if declared else None
            except (LookupError, UnicodeDecodeError):
                truth = None
            if truth is not None:
                served.append((f.name, stripped, truth))
            continue
        text = visible_text(html)
        short = next((m.group().strip() for m in _SENTENCE.finditer(text) if not m.group().isascii()), None)
        for kind, sample in (("long", text[:5000]), ("short", short)):
            if not sample or sample.isascii():
                continue
            for name in encodings_for(sample):
                samples.append((kind, name, sample.encode(name), sample))
            for name in BOMS:
                samples.append((kind, name, sample.encode(name), sample))
    return samples, served


def built_samples() -> list[tuple[str, str, bytes, str]]:
    out = []
    for language, text in SENTENCES.items():
        for name in encodings_for(text) + BOMS:
            out.append((f"built: {language}", name, text.encode(name), text))
    return out


def mixed_samples(limit: int | None) -> list[tuple[str, str, bytes, str]]:
    """Files of alternating UTF-8 and cp1252 lines, from the German (Latin) pages' sentences."""
    out = []
    for f in sorted((DATA / "html").glob("*.html.gz"))[:limit]:
        try:
            text = visible_text(gzip.decompress(f.read_bytes()).decode("utf-8"))
        except UnicodeDecodeError:
            continue
        lines = [m.group().strip() for m in _SENTENCE.finditer(text) if not m.group().isascii()][:6]
        if len(lines) < 4 or script_of(" ".join(lines)) != "LATIN":
            continue
        try:
            data = b"\n".join(line.encode("utf-8" if k % 2 else "cp1252") for k, line in enumerate(lines))
        except UnicodeEncodeError:
            continue
        out.append(("mixed lines", "utf-8 + cp1252", data, "\n".join(lines)))
    return out


def load_baseline(commit: str):
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:samestory/read/decode.py"],
                            capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "baseline_decode.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("baseline_decode", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.decode_bytes


def charset_normalizer_decode(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=None, help="first N pages only")
    ap.add_argument("--baseline", help="git commit whose decoder to compare too")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--show-misses", type=int, default=0)
    args = ap.parse_args()
    if not (DATA / "html").is_dir():
        sys.exit(f"extraction-dev not found at {DATA}")
    samples, served = samples_from_pages(args.limit)
    samples += built_samples() + mixed_samples(args.limit)
    samples += [("served (meta removed)", "as served", data, text) for _, data, text in served]
    decoders = {"samestory": lambda data: decode_bytes(data, is_html=False), "charset-normalizer": charset_normalizer_decode}
    if args.baseline:
        baseline = load_baseline(args.baseline)
        decoders[f"samestory {args.baseline}"] = lambda data: baseline(data, is_html=False)
    results: dict = {}
    seconds = dict.fromkeys(decoders, 0.0)
    misses = collections.defaultdict(list)
    for kind, encoding, data, text in samples:
        group = "built" if kind.startswith("built") else kind
        for name, decode in decoders.items():
            t0 = time.perf_counter()
            try:
                got = decode(data)
            except Exception:
                got = None
            seconds[name] += time.perf_counter() - t0
            ok = got == text
            for key in ((group, "all"), (group, encoding)):
                cell = results.setdefault(key, {}).setdefault(name, [0, 0])
                cell[0] += ok
                cell[1] += 1
            if not ok and name == "samestory":
                misses[(group, encoding)].append((kind, (got or "")[:80], text[:80]))
    names = list(decoders)
    print(f"{'samples':34} {'n':>5} " + " ".join(f"{n:>22}" for n in names))
    for key in sorted(results, key=lambda k: (k[0], k[1] != "all", k[1])):
        row = results[key]
        n = row[names[0]][1]
        print(f"{key[0] + ' / ' + key[1]:34} {n:>5} " + " ".join(f"{row[m][0] / n:>21.1%} " for m in names))
    totals = {m: [sum(results[k][m][0] for k in results if k[1] == "all"), sum(results[k][m][1] for k in results if k[1] == "all")]
              for m in names}
    print(f"{'all samples':34} {totals[names[0]][1]:>5} " + " ".join(f"{totals[m][0] / totals[m][1]:>21.1%} " for m in names))
    print("seconds: " + ", ".join(f"{m} {s:.1f}" for m, s in seconds.items()))
    for key, found in list(misses.items())[: args.show_misses]:
        print(key, found[:2])
    if args.json:
        args.json.write_text(json.dumps({"results": {" / ".join(k): v for k, v in results.items()}, "totals": totals,
                                         "seconds": seconds}, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
