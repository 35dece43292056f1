"""Resume text on pages: the selector cuts it into pieces, the `marked` filter writes them."""

from __future__ import annotations

import os

from django.template import Context, Template
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from recruiting.models import Resume
from recruiting.selectors import TextPiece, resume_highlighted_text, resume_page_parts
from recruiting.templatetags.resume_text import marked

TEXT = "Jane <Doe>\nPython & Go"


def test_the_text_comes_in_pieces_with_each_skill_apart_and_personal_data_replaced():
    resume = Resume(text=TEXT, team_id=0)
    pieces = resume_highlighted_text(
        resume,
        hidden=[(0, 10)],
        hidden_label="[hidden]",
        skill_spans=[(11, 17, "Python"), (20, 22, "Go"), (5, 9, "Doe")],
    )
    assert pieces == [
        TextPiece(""),
        TextPiece("[hidden]", hidden=True),
        TextPiece("\n"),
        TextPiece("Python", skill="Python"),
        TextPiece(" & "),
        TextPiece("Go", skill="Go"),
        TextPiece(""),
    ]
    assert "".join(p.text for p in pieces) == "[hidden]\nPython & Go"


def test_a_slice_keeps_only_the_marks_inside_it():
    resume = Resume(text=TEXT, team_id=0)
    pieces = resume_highlighted_text(
        resume, start=11, end=19, skill_spans=[(11, 17, "Python"), (20, 22, "Go")]
    )
    assert pieces == [TextPiece(""), TextPiece("Python", skill="Python"), TextPiece(" &")]


def test_marked_escapes_every_piece_and_marks_the_evidence():
    pieces = [
        TextPiece("<b>Jane</b> & "),
        TextPiece("C++ <x>", skill='C"++'),
        TextPiece("[hidden]", hidden=True),
    ]
    assert marked(pieces) == (
        '&lt;b&gt;Jane&lt;/b&gt; &amp; <mark title="C&quot;++">C++ &lt;x&gt;</mark>[hidden]'
    )


def test_a_template_shows_the_marked_text_as_html():
    template = Template("{% load resume_text %}<pre>{{ pieces|marked }}</pre>")
    html = template.render(Context({"pieces": [TextPiece("a<"), TextPiece("Go", skill="Go")]}))
    assert html == '<pre>a&lt;<mark title="Go">Go</mark></pre>'


def _highlighted_before(text, *, hidden=(), hidden_label="", start=0, end=None, skill_spans=()):
    """resume_highlighted_text as it was before it sorted the spans: every skill span against
    every hidden span. The reference its results must equal."""
    end = len(text) if end is None else min(end, len(text))

    def overlaps_hidden(a, b):
        return any(a < h_end and h_start < b for h_start, h_end in hidden)

    marks = sorted(
        (a, b, name)
        for a, b, name in skill_spans
        if start <= a < b <= end and not overlaps_hidden(a, b)
    )
    cuts = [(max(a, start), min(b, end), None) for a, b in hidden if a < end and start < b]
    out, pos = [], start
    for a, b, name in sorted(cuts + marks):
        if a < pos:
            continue
        out.append(TextPiece(text[pos:a]))
        if name is None:
            out.append(TextPiece(hidden_label, hidden=True))
        else:
            out.append(TextPiece(text[a:b], skill=name))
        pos = b
    out.append(TextPiece(text[pos:end]))
    return out


_OFFSET = st.integers(min_value=0, max_value=24)
_SPAN = st.tuples(_OFFSET, _OFFSET)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    hidden=st.one_of(
        # As pii_spans gives them (sorted, disjoint), and any others (unsorted, overlapping,
        # empty, reversed): the results are the same as before for all of them.
        st.lists(_OFFSET, max_size=12, unique=True).map(
            lambda xs: [tuple(p) for p in zip(*[iter(sorted(xs))] * 2, strict=False)]
        ),
        st.lists(_SPAN, max_size=8),
    ),
    skill_spans=st.lists(
        st.tuples(_OFFSET, _OFFSET, st.sampled_from(["Go", "Python", "SQL"])), max_size=12
    ),
    start=st.integers(min_value=0, max_value=26),
    end=st.one_of(st.none(), st.integers(min_value=0, max_value=26)),
)
# Spans that touch without overlapping, at either edge; the slice's edges inside either.
@example(hidden=[(0, 5)], skill_spans=[(5, 8, "Go")], start=0, end=None)
@example(hidden=[(8, 12)], skill_spans=[(5, 8, "Go")], start=0, end=None)
@example(hidden=[(3, 9)], skill_spans=[(1, 3, "Go"), (9, 12, "SQL")], start=4, end=10)
@example(hidden=[(9, 12), (2, 4)], skill_spans=[(4, 9, "Go")], start=0, end=12)
@example(hidden=[(2, 6), (3, 20)], skill_spans=[(10, 12, "Go")], start=7, end=None)
@example(hidden=[(2, 6), (12, 15)], skill_spans=[(6, 9, "Go")], start=6, end=12)
@example(hidden=[(2, 10), (3, 6)], skill_spans=[(12, 14, "Go")], start=6, end=None)
def test_the_pieces_are_those_of_the_span_by_span_scan(hidden, skill_spans, start, end):
    text = "Jane Doe, +1 555 0100\nPython, Go and SQL at jane@example.org"
    resume = Resume(text=text, team_id=0)
    pieces = resume_highlighted_text(
        resume,
        hidden=hidden,
        hidden_label="[hidden]",
        start=start,
        end=end,
        skill_spans=skill_spans,
    )
    assert pieces == _highlighted_before(
        text,
        hidden=hidden,
        hidden_label="[hidden]",
        start=start,
        end=end,
        skill_spans=skill_spans,
    )


# A .txt resume of one skill and one phone number a line: ~50k skill spans and as many hidden
# spans in 900 KB. Checking every skill span against every hidden span, twice a page view, was
# ~2.5e9 steps (minutes); sorted once, the spans cost n log n.
LINE = "Python 5551234567\n"
LINES = 50_000


def _skill_and_phone_lines():
    text = LINE * LINES
    skill_spans = [(i * len(LINE), i * len(LINE) + 6, "Python") for i in range(LINES)]
    hidden = [(i * len(LINE) + 7, i * len(LINE) + 17) for i in range(LINES)]
    return text, skill_spans, hidden


def test_fifty_thousand_skill_and_phone_lines_are_cut_into_pieces_in_one_pass():
    text, skill_spans, hidden = _skill_and_phone_lines()
    pieces = resume_highlighted_text(
        Resume(text=text, team_id=0),
        hidden=hidden,
        hidden_label="[hidden]",
        skill_spans=skill_spans,
    )
    assert pieces[:5] == [
        TextPiece(""),
        TextPiece("Python", skill="Python"),
        TextPiece(" "),
        TextPiece("[hidden]", hidden=True),
        TextPiece("\n"),
    ]
    assert sum(p.skill == "Python" for p in pieces) == LINES
    assert sum(p.hidden for p in pieces) == LINES
    assert "".join(p.text for p in pieces) == "Python [hidden]\n" * LINES


class _Skills(list):
    """The few queryset methods resume_page_parts calls, on a list of ResumeSkill rows."""

    def select_related(self, *fields):
        return self

    def order_by(self, *fields):
        return self


def test_fifty_thousand_sections_each_with_a_skill_and_a_phone_are_cut_in_one_pass(monkeypatch):
    """Every heading line starts a section: the page rendered each one by scanning all the
    skill and hidden spans of the resume (sections x spans)."""
    from recruiting.models import ResumeSkill, Skill

    unit = "Skills\n" + LINE
    text = unit * LINES
    sections = [
        {"name": "skills", "start": i * len(unit), "end": (i + 1) * len(unit) - 1}
        for i in range(LINES)
    ]
    at = len("Skills\n")
    spans = [[i * len(unit) + at, i * len(unit) + at + 6] for i in range(LINES)]
    hidden = [(i * len(unit) + at + 7, i * len(unit) + at + 17) for i in range(LINES)]
    resume = Resume(text=text, team_id=0, sections=sections)
    row = ResumeSkill(skill=Skill(name="Python", kind="technical"), spans=spans)
    monkeypatch.setattr(Resume, "resume_skills", _Skills([row]))

    parts = resume_page_parts(resume, hidden=hidden, hidden_label="[hidden]")

    assert len(parts["sections"]) == LINES
    assert {title for title, _ in parts["sections"]} == {"Skills"}
    assert all(
        body
        == [
            TextPiece(""),
            TextPiece("Python", skill="Python"),
            TextPiece(" "),
            TextPiece("[hidden]", hidden=True),
            TextPiece(""),
        ]
        for _, body in parts["sections"]
    )
    (evidence,) = parts["evidence"]
    assert (evidence.name, evidence.more) == ("Python", LINES - 1)


def _parts_of(monkeypatch, text, skill_spans, hidden=()):
    from recruiting.models import ResumeSkill, Skill

    rows = [
        ResumeSkill(skill=Skill(name=name, kind="technical"), spans=spans)
        for name, spans in skill_spans.items()
    ]
    monkeypatch.setattr(Resume, "resume_skills", _Skills(rows))
    return resume_page_parts(Resume(text=text, team_id=0), hidden=hidden, hidden_label="[hidden]")


def test_an_evidence_line_is_shown_whole_when_it_is_short(monkeypatch):
    text = "Summary\nBuilt Django APIs on PostgreSQL for a booking platform.\nMore"
    a = text.index("Django")
    (evidence,) = _parts_of(monkeypatch, text, {"Django": [[a, a + 6]]})["evidence"]
    assert evidence.line == [
        TextPiece("Built "),
        TextPiece("Django", skill="Django"),
        TextPiece(" APIs on PostgreSQL for a booking platform."),
    ]


def test_a_long_evidence_line_is_cut_at_words_around_the_evidence(monkeypatch):
    from recruiting.selectors import EVIDENCE_CONTEXT_CHARS

    words = " ".join(f"word{i}" for i in range(400))
    text = f"Top\n{words} Django {words}\nEnd"
    a = text.index("Django")
    (evidence,) = _parts_of(monkeypatch, text, {"Django": [[a, a + 6]]})["evidence"]
    first, before, mark, after, last = evidence.line
    assert (first, mark, last) == (TextPiece("…"), TextPiece("Django", skill="Django"), first)
    assert text[a - len(before.text) - 1] == " " and text[a + 6 + len(after.text)] == " "
    assert before.text.endswith("word399 ") and after.text.startswith(" word0 word1")
    assert EVIDENCE_CONTEXT_CHARS - 8 <= len(before.text) <= EVIDENCE_CONTEXT_CHARS
    assert EVIDENCE_CONTEXT_CHARS - 8 <= len(after.text) <= EVIDENCE_CONTEXT_CHARS


def test_five_thousand_skills_on_one_line_of_phone_numbers_show_short_evidence_lines(monkeypatch):
    """Every skill showed its whole line, and each line every hidden span on it: skills x line
    length (the taxonomy holds 12,889 skills: minutes and gigabytes a page)."""
    unit = "sk00000 5551234567 "
    count = 5_000
    text = "".join(f"sk{i:05d} 5551234567 " for i in range(count))
    spans = {f"sk{i:05d}": [[i * len(unit), i * len(unit) + 7]] for i in range(count)}
    hidden = [(i * len(unit) + 8, i * len(unit) + 18) for i in range(count)]

    evidence = _parts_of(monkeypatch, text, spans, hidden)["evidence"]

    assert len(evidence) == count
    for item in evidence:
        shown = "".join(piece.text for piece in item.line)
        assert f"{item.name} [hidden]" in shown and "1234567" not in shown
        assert len(shown) < 2 * 240 + 20
        assert [p for p in item.line if p.skill] == [TextPiece(item.name, skill=item.name)]
