"""Choose the PDF text library by measurement.

    .venv/bin/python bench/bench_pdf_parsers.py [--data ../shared/data] [--limit N]
        [--json out.json] [--show-failures]

Methods: each library's own text output ("plain"), and, for the libraries that give word
boxes, our layout reading order (``recruiting.parsing.pdf_layout``, "+columns").

Metrics (printed as one table):

* **pair sim**: on ``sample_resumes_pdf_docx_pairs`` the PDF and the DOCX of the same
  resume must give the same text. Both sides are cleaned the same way, lower-cased and
  tokenised into words; the score is difflib's SequenceMatcher ratio over the two word
  sequences (order matters), mean over the pairs. ``pair jac`` is the word-set Jaccard
  (order ignored: character fidelity only).
* **2col exact / 2col pairs**: on ``resume_jd_match_percentage_150pdf`` (Canva designs).
  The ground truth comes from geometry, not from any method's text: section-heading
  phrases (our heading vocabulary) are located with pdfplumber word boxes; when their
  left edges form two clusters more than 15% of the page width apart, the page is
  two-column and the expected order is the left cluster's headings top to bottom, then
  the right cluster's. A heading counts as found only when it stands alone on an output
  line (two columns read across glue headings together). ``exact`` is the share of such
  files whose output has every heading, in exactly that order; ``pairs`` the share of
  (left, right) heading pairs found with the left one first.
* **lc sim**: the livecareer ``pdf_sample`` PDFs were printed from HTML whose text is
  in ``resumes.csv`` (``Resume_str``): the same word-sequence ratio as ``pair sim``,
  PDF text against that text, mean over the files. This catches lost or glued words
  (wkhtmltopdf draws spaces that overlap the previous glyph).
* **lc sections**: share of those PDFs in which at least 3 section headings are detected.
* **ms/page**: median wall time per page over every PDF above (extraction + layout).

Text of the files is never printed.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import re
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recruiting.parsing import pdf_backends  # noqa: E402
from recruiting.parsing.clean import clean_text  # noqa: E402
from recruiting.parsing.extract_docx import extract_docx  # noqa: E402
from recruiting.parsing.model import FileLimits  # noqa: E402
from recruiting.parsing.pdf_layout import layout_page_text  # noqa: E402
from recruiting.parsing.sections import classify_heading, detect_sections, normalise_heading  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"
PAIRS = "sample_resumes_pdf_docx_pairs"
TWO_COL = "resume_jd_match_percentage_150pdf"
LIVECAREER = "livecareer_resumes/pdf_sample"
METHODS = (
    ("pypdf", "plain", "pypdf"),
    ("pypdf", "layout-mode", "pypdf-layout"),
    ("pdfplumber", "plain", "pdfplumber"),
    ("pdfplumber", "+columns", "pdfplumber"),
    ("pymupdf", "plain", "pymupdf"),
    ("pymupdf", "sort=True", "pymupdf-sort"),
    ("pymupdf", "+columns", "pymupdf"),
    ("pypdfium2", "plain", "pypdfium2"),
    ("pypdfium2", "+columns", "pypdfium2"),
)


def page_count(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def run_method(mode: str, key: str, data: bytes) -> tuple[str, int, float]:
    pages = range(page_count(data))
    start = time.perf_counter()
    if mode == "+columns":
        texts = [layout_page_text(words) for words in pdf_backends.BACKENDS[key](data, pages)]
    else:
        texts = pdf_backends.PLAIN[key](data, pages)
    elapsed = time.perf_counter() - start
    return clean_text("\n\n".join(texts)), len(pages), elapsed


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def pair_scores(pdf_text: str, docx_text: str) -> tuple[float, float]:
    a, b = tokens(pdf_text), tokens(docx_text)
    seq = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    sa, sb = set(a), set(b)
    jac = len(sa & sb) / max(1, len(sa | sb))
    return seq, jac


# --- two-column ground truth -----------------------------------------------------------


def heading_boxes(path: Path) -> tuple[float, list[tuple[str, float, float]]]:
    """(page width, [(heading key, x0, top)]) of the first page, from pdfplumber words."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        width = float(page.width)
    # Phrases: words on the same baseline closer than one text height.
    words.sort(key=lambda w: (round(w["bottom"]), w["x0"]))
    phrases: list[list[dict]] = []
    for w in words:
        last = phrases[-1][-1] if phrases else None
        if (
            last is not None
            and abs(last["bottom"] - w["bottom"]) < 2
            and w["x0"] - last["x1"] < (w["bottom"] - w["top"])
        ):
            phrases[-1].append(w)
        else:
            phrases.append([w])
    found: dict[str, tuple[str, float, float]] = {}
    for phrase in phrases:
        singles = all(len(w["text"]) == 1 for w in phrase) and len(phrase) > 2
        text = ("" if singles else " ").join(w["text"] for w in phrase)
        if classify_heading(text) is None:
            continue
        key = normalise_heading(text)
        found.setdefault(key, (key, phrase[0]["x0"], phrase[0]["top"]))
    return width, list(found.values())


def expected_order(width: float, heads: list[tuple[str, float, float]]):
    if len(heads) < 3:
        return None
    xs = sorted(h[1] for h in heads)
    gaps = [(b - a, (a + b) / 2) for a, b in itertools.pairwise(xs)]
    gap, split = max(gaps)
    if gap < 0.15 * width:
        return None
    left = sorted((h for h in heads if h[1] < split), key=lambda h: h[2])
    right = sorted((h for h in heads if h[1] >= split), key=lambda h: h[2])
    if not left or not right:
        return None
    return [h[0] for h in left], [h[0] for h in right]


def heading_positions(text: str, keys: list[str]) -> dict[str, int]:
    """Line number of each heading that stands alone on its own output line.

    A heading glued to other text ("PROJECT WORK EXPERIENCE" when two columns were read
    across) is not found, and so counts against the method."""
    found: dict[str, int] = {}
    for index, line in enumerate(text.split("\n")):
        key = normalise_heading(line)
        if key in keys and key not in found:
            found[key] = index
    return found


def order_score(text: str, left: list[str], right: list[str]) -> tuple[bool, float]:
    pos = heading_positions(text, left + right)
    expected = left + right
    got = sorted((k for k in expected if k in pos), key=lambda k: pos[k])
    exact = got == expected
    pairs = [(a, b) for a in left for b in right]
    good = sum(1 for a, b in pairs if a in pos and b in pos and pos[a] < pos[b])
    return exact, good / len(pairs)


def load_livecareer_text(data_dir: Path, ids: set[str]) -> dict[str, str]:
    import csv

    csv.field_size_limit(1 << 30)
    path = data_dir / "livecareer_resumes" / "resumes.csv"
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["ID"]: row["Resume_str"] for row in csv.DictReader(fh) if row["ID"] in ids}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0, help="max two-column files (0 = all)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--show-failures", action="store_true", help="list failing file names")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import logging

    logging.disable(logging.WARNING)

    data_dir: Path = args.data
    if not (data_dir / PAIRS).is_dir():
        print(f"data not found: {data_dir / PAIRS}", file=sys.stderr)
        return 2
    available = pdf_backends.available_backends()
    methods = [m for m in METHODS if m[2] in available]
    skipped = sorted({m[0] for m in METHODS if m[2] not in available})

    pairs = []
    for pdf_path in sorted((data_dir / PAIRS).glob("*.pdf")):
        docx_path = pdf_path.with_suffix(".docx")
        if docx_path.exists():
            docx_text = clean_text(extract_docx(docx_path.read_bytes(), FileLimits()))
            pairs.append((pdf_path, docx_text))
    two_col = sorted((data_dir / TWO_COL).glob("*Resumes/*.pdf"))
    if args.limit:
        two_col = two_col[: args.limit]
    truths = {}
    for path in two_col:
        width, heads = heading_boxes(path)
        order = expected_order(width, heads)
        if order is not None:
            truths[path] = order
    livecareer = sorted((data_dir / LIVECAREER).glob("*/*.pdf"))
    lc_reference = load_livecareer_text(data_dir, {p.stem for p in livecareer})

    results = []
    for lib, mode, key in methods:
        per_page_ms: list[float] = []
        errors = 0
        seqs, jacs = [], []
        for pdf_path, docx_text in pairs:
            text, n, elapsed = run_method(mode, key, pdf_path.read_bytes())
            per_page_ms.append(1000 * elapsed / n)
            seq, jac = pair_scores(text, docx_text)
            seqs.append(seq)
            jacs.append(jac)
        exact, pair_share, failures = [], [], []
        for path in two_col:
            try:
                text, n, elapsed = run_method(mode, key, path.read_bytes())
            except Exception:
                errors += 1
                continue
            per_page_ms.append(1000 * elapsed / n)
            if path in truths:
                ok, share = order_score(text, *truths[path])
                exact.append(ok)
                pair_share.append(share)
                if not ok:
                    failures.append(path.name)
        lc_ok, lc_sims = [], []
        for path in livecareer:
            try:
                text, n, elapsed = run_method(mode, key, path.read_bytes())
            except Exception:
                errors += 1
                continue
            per_page_ms.append(1000 * elapsed / n)
            lc_ok.append(len(detect_sections(text)) >= 3)
            if path.stem in lc_reference:
                lc_sims.append(pair_scores(text, lc_reference[path.stem])[0])
        row = {
            "library": lib,
            "mode": mode,
            "pair_sim": statistics.mean(seqs),
            "pair_sim_min": min(seqs),
            "pair_jaccard": statistics.mean(jacs),
            "pair_sims": [round(s, 3) for s in seqs],
            "two_col_exact": sum(exact) / max(1, len(exact)),
            "two_col_pairs": statistics.mean(pair_share) if pair_share else 0.0,
            "two_col_files": len(exact),
            "livecareer_sections": sum(lc_ok) / max(1, len(lc_ok)),
            "livecareer_sim": statistics.mean(lc_sims) if lc_sims else 0.0,
            "ms_per_page": statistics.median(per_page_ms),
            "errors": errors,
            "failures": failures,
        }
        results.append(row)

    print(
        f"pairs: {len(pairs)} PDF/DOCX pairs | two-column files with a geometric ground "
        f"truth: {len(truths)} of {len(two_col)} | livecareer PDFs: {len(livecareer)}"
    )
    if skipped:
        print(f"not installed, skipped: {', '.join(skipped)}")
    header = (
        f"{'library':<11}{'mode':<13}{'pair sim':>9}{'(min)':>7}{'pair jac':>9}"
        f"{'2col exact':>11}{'2col pairs':>11}{'lc sim':>8}{'lc sections':>12}{'ms/page':>9}"
        f"{'errors':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['library']:<11}{r['mode']:<13}{r['pair_sim']:>9.3f}{r['pair_sim_min']:>7.3f}"
            f"{r['pair_jaccard']:>9.3f}{r['two_col_exact']:>11.1%}{r['two_col_pairs']:>11.1%}"
            f"{r['livecareer_sim']:>8.3f}{r['livecareer_sections']:>12.1%}{r['ms_per_page']:>9.1f}"
            f"{r['errors']:>7}"
        )
        if args.show_failures and r["failures"]:
            print("    2col failures:", " ".join(r["failures"]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
