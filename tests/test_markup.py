"""The tiny Markdown subset, rendered as data the browser turns into text nodes."""

from __future__ import annotations

from waspada.scenario.markup import plain, render_blocks, render_inline


def test_single_line_is_one_plain_paragraph():
    """Text without markup is one paragraph with one plain run."""
    assert render_blocks("Sari waits.") == [{"p": [["", "Sari waits."]]}]


def test_blank_line_separates_paragraphs():
    """A blank line starts a new paragraph; a single newline joins lines with a space."""
    assert render_blocks("One\ntwo\n\nThree") == [{"p": [["", "One two"]]}, {"p": [["", "Three"]]}]


def test_several_blank_lines_are_one_break():
    """Extra blank lines do not make empty paragraphs."""
    assert render_blocks("a\n\n\n\nb") == [{"p": [["", "a"]]}, {"p": [["", "b"]]}]


def test_emphasis_and_strong_are_runs():
    """'*x*' is an em run and '**y**' a strong run between plain runs."""
    assert render_inline("a *b* **c** d") == [
        ["", "a "],
        ["em", "b"],
        ["", " "],
        ["strong", "c"],
        ["", " d"],
    ]


def test_lone_asterisks_are_not_emphasis():
    """'2 * 3 * 4' and an unclosed '*' stay literal."""
    assert render_inline("2 * 3 * 4") == [["", "2 * 3 * 4"]]
    assert render_inline("*unclosed") == [["", "*unclosed"]]


def test_list_between_paragraphs():
    """Lines starting with '- ' form a list; text before and after stays paragraphs."""
    assert render_blocks("Intro:\n- one\n- two *x*\nAfter") == [
        {"p": [["", "Intro:"]]},
        {"ul": [[["", "one"]], [["", "two "], ["em", "x"]]]},
        {"p": [["", "After"]]},
    ]


def test_star_bullets_also_make_a_list():
    """'* ' works as a bullet as well as '- '."""
    assert render_blocks("* first\n* second") == [{"ul": [[["", "first"]], [["", "second"]]]}]


def test_wrapped_list_item_continues_on_an_indented_line():
    """An indented line after an item belongs to that item."""
    assert render_blocks("- first item\n  wraps here\n- second") == [
        {"ul": [[["", "first item wraps here"]], [["", "second"]]]}
    ]


def test_unindented_line_after_a_list_ends_it():
    """A line without indentation after a list is a new paragraph, not part of the item."""
    assert render_blocks("- item\nnot the item") == [
        {"ul": [[["", "item"]]]},
        {"p": [["", "not the item"]]},
    ]


def test_trailing_backslash_is_a_hard_line_break():
    """'line one\\' followed by a newline gives a 'br' run instead of a space."""
    assert render_inline("line one\\\nline two") == [["", "line one"], ["br", ""], ["", "line two"]]
    assert render_blocks("a\\\nb") == [{"p": [["", "a"], ["br", ""], ["", "b"]]}]


def test_html_is_kept_as_literal_text():
    """Tags and entities are plain text in a plain run, never parsed."""
    assert render_blocks("<b>x</b> &amp; <script>alert(1)</script>") == [
        {"p": [["", "<b>x</b> &amp; <script>alert(1)</script>"]]}
    ]


def test_html_inside_emphasis_stays_literal():
    """A tag inside '*...*' is the literal text of the em run."""
    assert render_inline("*<img src=x>*") == [["em", "<img src=x>"]]


def test_markdown_links_and_headings_are_plain_text():
    """Links and headings are not part of the subset and are shown as typed."""
    assert render_blocks("# Title\n[click](http://example.com)") == [
        {"p": [["", "# Title [click](http://example.com)"]]}
    ]


def test_plain_removes_emphasis_markers():
    """plain() keeps the words and drops '*' and '**'."""
    assert plain("Hello *you* and **them**") == "Hello you and them"


def test_plain_turns_a_hard_break_into_a_newline():
    """plain() drops the backslash of a hard line break."""
    assert plain("a\\\nb") == "a\nb"


def test_plain_keeps_html_and_lone_asterisks():
    """plain() is not an HTML renderer: tags and lone '*' stay."""
    assert plain("<i>x</i> 2 * 3") == "<i>x</i> 2 * 3"
