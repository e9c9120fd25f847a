"""Escaping user text for Markdown: it shows as typed and never adds structure."""

from __future__ import annotations

from briefs.rules.markdown_text import (
    heading,
    inline,
    paragraph,
    plain_line,
    single_line,
    text_block,
)


def test_text_block_escapes_only_what_it_must():
    assert text_block("Price: 1,500.00 (with VAT)!") == "Price: 1,500.00 (with VAT)!"
    assert text_block("a\nb\n\nc") == "a  \nb\n\nc"
    assert text_block("  x ") == "&#32;&#32;x&#32;"
    assert text_block("1. a & b &amp;") == "1\\. a & b &amp;amp;"


def test_runs_of_empty_lines_are_one_paragraph_break():
    assert text_block("a\n\n\n\nb\r\n\r\n\r\nc") == "a\n\nb\n\nc"
    assert text_block("a\n\n\nb", prefix="> ") == "> a\n>\n> b"


def test_inline_escapes_syntax_and_entities_anywhere():
    assert inline("a*b &amp; <c>") == "a\\*b &amp;amp; &lt;c\\>"


def test_characters_python_markdown_keeps_escaped_become_references():
    # Python-Markdown shows the backslash of \| \~ \< \& \: \=, so these are references.
    assert inline("a|b ~x~ <i>") == "a&#124;b &#126;x&#126; &lt;i\\>"
    assert plain_line(":--") == "&#58;--"
    assert plain_line("=== x") == "&#61;== x"
    assert plain_line("{: #id}") == "\\{: #id}"


def test_urls_become_autolinks_without_escapes():
    assert inline("see https://acme.example/price_list?utm_source=a_b&x=(1).") == (
        "see <https://acme.example/price_list?utm_source=a_b&x=(1)>."
    )
    assert inline("(http://a.example/x_y)") == "(<http://a.example/x_y>)"
    assert inline("http://a.example/a\\b") == "<http://a.example/a>\\\\b"
    assert inline("xhttp://a.example/_") == "xhttp://a.example/\\_"


def test_www_is_not_left_for_a_reader_to_link():
    assert inline("www.acme.example/a_b") == "www\\.acme.example/a\\_b"


def test_link_text_gets_no_links():
    assert inline("see http://a.example/_", links=False) == "see http&#58;//a.example/\\_"


def test_single_line_joins_lines_and_drops_control_characters():
    assert single_line("a\n\nb\x07") == "a  b"


def test_heading_stays_one_line_and_escapes_every_hash():
    assert heading(2, "A #1\r\nB") == "## A \\#1 B"
    assert heading(1, "") == "#"
    assert heading(3, "See http://a.example/#x") == "### See <http://a.example/#x>"


def test_line_starts_that_would_make_a_list_are_escaped():
    assert paragraph("- 1. x") == "\\- 1. x"
    assert plain_line("  # x ") == "&#32;&#32;# x&#32;"
    assert plain_line("1) x") == "1\\) x"
