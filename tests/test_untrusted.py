"""The pure pieces behind the hostile-input corpus (tests/test_hostile.py), tested fast."""

from __future__ import annotations

from waspada.scenario._yaml import MAX_DEPTH, compose_text, excerpt, kind
from waspada.textsafety import bidi_controls, bidi_message


def test_bidi_controls_are_found_with_line_and_column():
    text = "call 129\nor \u202e921 \u2066x\u2069"
    assert list(bidi_controls(text)) == [(2, 4, "\u202e"), (2, 9, "\u2066"), (2, 11, "\u2069")]
    assert list(bidi_controls("Rp120 juta, 0800-1000, Bahasa Indonesia\n")) == []


def test_bidi_message_names_the_character():
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in bidi_message("\u202e")


def test_tags_are_refused_at_their_place():
    tree, problem = compose_text("a: 1\nb: !!binary aGk=\n", "f.yml")
    assert tree is None
    assert str(problem).startswith("f.yml:2:4: error: the YAML tag '!!binary' is not allowed")


def test_the_plain_tags_a_composer_would_give_anyway_are_allowed():
    tree, problem = compose_text("a: !!str 1\nb: !!seq [x]\nc: !!map {d: e}\n", "f.yml")
    assert problem is None and tree is not None


def test_an_alias_is_refused_where_it_is_used():
    tree, problem = compose_text("a: &x [1, 2]\nb: [*x, *x]\n", "f.yml")
    assert tree is None
    assert str(problem).startswith("f.yml:2:5: error: '*x' repeats the value marked '&x'")


def test_deep_nesting_is_refused_before_the_composer_sees_it():
    depth = 100_000  # libyaml's composer overflows the stack far below this
    tree, problem = compose_text("a: " + "[" * depth + "]" * depth, "f.yml")
    assert tree is None
    assert f"nested more than {MAX_DEPTH} levels deep" in str(problem)


def test_nesting_a_course_file_really_uses_is_fine():
    text = "a:\n" + "".join("  " * i + f"  k{i}:\n" for i in range(MAX_DEPTH - 2)) + "    x: 1\n"
    _tree, problem = compose_text(text, "f.yml")
    assert problem is None


def test_messages_quote_a_word_never_a_passage():
    assert excerpt("short") == "short"
    assert excerpt("x" * 100) == "x" * 39 + "…"
    assert excerpt("root:x:0:0\nsecond line") == "root:x:0:0…"
    tree, _ = compose_text("root:x:0:0:root:/root:/bin/bash\nnext:line\n", "f.yml")
    assert kind(tree) == "a text"


def test_bidi_controls_written_as_escapes_are_found_too(tmp_path):
    """A Twine import writes a bidi control as an escape; the raw text then does not show it."""
    from waspada.scenario._yaml import compose_file

    path = tmp_path / "x.yml"
    path.write_text('a: "call \\u202e921"\nb: plain\n', encoding="utf-8")
    _tree, problems = compose_file(path, "x.yml")
    assert [str(p) for p in problems] == [
        "x.yml:1:4: warning: invisible direction control U+202E (RIGHT-TO-LEFT OVERRIDE) can make "
        "a label or a number show differently from what it is; delete it"
    ]
