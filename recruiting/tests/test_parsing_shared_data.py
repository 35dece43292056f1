"""Real resumes from the shared data folder (skipped when it is absent).

The texts are never printed: assertions and their messages name files, section names and
scores only.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import re
from pathlib import Path

import pytest

from recruiting.parsing import parse_resume

pytestmark = pytest.mark.shared_data

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("SHARED_DATA_DIR", REPO.parent / "shared" / "data"))
PAIRS = DATA / "sample_resumes_pdf_docx_pairs"
TWO_COL = DATA / "resume_jd_match_percentage_150pdf"
LIVECAREER = DATA / "livecareer_resumes" / "pdf_sample"

# Measured with bench/bench_pdf_parsers.py: the six PDF/DOCX pairs give a word-sequence
# ratio of 1.000 with pdfplumber; 0.97 leaves room for library updates, not for
# dropped or reordered lines.
PAIR_THRESHOLD = 0.97
# Measured: 149 of the 150 two-column PDFs in column order; sampled here.
TWO_COL_SAMPLE = 30
TWO_COL_MIN_OK = 28
LIVECAREER_SAMPLE = 12


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data not found: {path} (set SHARED_DATA_DIR to its location)")
    return path


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def resume_files() -> list[Path]:
    if not PAIRS.exists():
        return []
    return sorted(p for p in PAIRS.iterdir() if p.suffix.lower() in (".pdf", ".docx", ".txt"))


@pytest.mark.parametrize("path", resume_files(), ids=lambda p: p.name)
def test_every_sample_resume_parses(path):
    parsed = parse_resume(path.read_bytes(), path.name)
    assert parsed.status == "parsed", (path.name, parsed.warnings)
    assert len(parsed.text) > 500, path.name
    assert parsed.kind == path.suffix.lower().lstrip(".")


def test_sample_folder_is_complete():
    need(PAIRS)
    files = [p.name for p in resume_files()]
    assert sum(name.endswith(".pdf") for name in files) == 6
    assert sum(name.endswith(".docx") for name in files) == 8


def test_pdf_and_docx_of_the_same_resume_give_the_same_text():
    need(PAIRS)
    scores = {}
    for pdf in sorted(PAIRS.glob("*.pdf")):
        docx = pdf.with_suffix(".docx")
        a = parse_resume(pdf.read_bytes(), pdf.name)
        b = parse_resume(docx.read_bytes(), docx.name)
        scores[pdf.stem] = difflib.SequenceMatcher(
            None, words(a.text), words(b.text), autojunk=False
        ).ratio()
        assert [s.name for s in a.sections] == [s.name for s in b.sections], pdf.stem
        assert a.contacts.emails == b.contacts.emails, pdf.stem
        assert a.contacts.phones == b.contacts.phones, pdf.stem
        assert a.years_experience == b.years_experience, pdf.stem
    assert len(scores) == 6
    low = {k: round(v, 3) for k, v in scores.items() if v < PAIR_THRESHOLD}
    assert not low, f"PDF/DOCX similarity below {PAIR_THRESHOLD}: {low}"


def _bench():
    spec = importlib.util.spec_from_file_location(
        "bench_pdf_parsers", REPO / "bench" / "bench_pdf_parsers.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_two_column_pdfs_come_out_in_column_order():
    need(TWO_COL)
    bench = _bench()
    paths = sorted(TWO_COL.glob("*Resumes/*.pdf"))
    sample = paths[:: max(1, len(paths) // TWO_COL_SAMPLE)][:TWO_COL_SAMPLE]
    checked, wrong = 0, []
    for path in sample:
        width, heads = bench.heading_boxes(path)
        expected = bench.expected_order(width, heads)
        if expected is None:
            continue
        parsed = parse_resume(path.read_bytes(), path.name)
        exact, _ = bench.order_score(parsed.text, *expected)
        checked += 1
        if not exact:
            wrong.append(path.name)
    assert checked >= TWO_COL_SAMPLE - 2, checked
    assert checked - len(wrong) >= TWO_COL_MIN_OK, f"not in column order: {wrong}"


def test_livecareer_pdfs_parse_with_sections():
    need(LIVECAREER)
    paths = sorted(LIVECAREER.glob("*/*.pdf"))
    sample = paths[:: max(1, len(paths) // LIVECAREER_SAMPLE)][:LIVECAREER_SAMPLE]
    assert sample
    for path in sample:
        parsed = parse_resume(path.read_bytes(), path.name)
        names = {s.name for s in parsed.sections}
        assert parsed.status == "parsed", path.name
        assert len(parsed.sections) >= 3, (path.name, sorted(names))
        assert names & {"experience", "education", "skills"}, (path.name, sorted(names))
        for section in parsed.sections:
            assert 0 <= section.start < section.end <= len(parsed.text)
