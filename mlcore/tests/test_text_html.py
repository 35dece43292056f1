"""The one HTML-to-text converter: what it keeps, what it drops, and where lines break."""

from mlcore.text import html_to_text, strip_controls


def test_blocks_and_breaks_become_lines_and_entities_are_decoded():
    html = (
        "<h2>Pay &amp; perks</h2><p>$100k&nbsp;&ndash;&nbsp;$120k<br>Berlin</p>"
        "<ul><li>401(k)</li><li>Dental</li></ul><div>Apply</div>"
    )
    assert html_to_text(html) == "Pay & perks\n$100k – $120k\nBerlin\n401(k)\nDental\nApply"


def test_scripts_styles_widgets_and_hidden_elements_are_dropped():
    html = (
        "<head><title>Page</title><style>p{color:red}</style></head><script>x()</script>"
        "<p>Shown</p><div hidden>gone</div><p style='display: none'>gone</p>"
        "<svg><text>gone</text></svg><select><option>gone</option></select><p>Also shown</p>"
    )
    assert html_to_text(html) == "Shown\nAlso shown"


def test_source_line_breaks_are_spaces_but_pre_keeps_its_lines():
    assert html_to_text("<p>one\ntwo\r\n  three</p>") == "one two three"
    assert html_to_text("<pre>line 1\n  line 2</pre>") == "line 1\nline 2"


def test_table_cells_are_spaced_and_rows_are_lines():
    html = "<table><tr><th>Skill</th><th>Level</th></tr><tr><td>Go</td><td>Expert</td></tr></table>"
    assert html_to_text(html) == "Skill Level\nGo Expert"


def test_list_marker_and_blank_lines_lay_the_text_out_as_a_page():
    html = "<p>Skills</p><ul><li>Go</li><li>Rust</li></ul>"
    assert html_to_text(html) == "Skills\nGo\nRust"
    assert html_to_text(html, list_marker="• ") == "Skills\n• Go\n• Rust"
    assert html_to_text(html, blank_lines=True) == "Skills\n\nGo\n\nRust"
    assert html_to_text("<ul><li><p>Go</p></li></ul>", list_marker="• ") == "• Go"


def test_a_stray_angle_bracket_is_text_and_an_unterminated_comment_runs_to_the_end():
    assert html_to_text("<p>salary < 100k and > 50k</p>") == "salary < 100k and > 50k"
    assert html_to_text("<p>Jane</p><!-- never <b>closed</b>") == "Jane"


def test_controls_zero_width_characters_and_surrogates_are_removed():
    assert html_to_text("<p>a\x00b\u200bc\ud800d</p>") == "abcd"
    assert strip_controls("a\x00b\x7f\ufffe\tc\n") == "ab\tc\n"
    assert html_to_text("") == ""
