"""Resume text on pages: the selector cuts it into pieces, the `marked` filter writes them."""

from __future__ import annotations

from django.template import Context, Template

from recruiting.models import Resume
from recruiting.selectors import TextPiece, resume_highlighted_text
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
