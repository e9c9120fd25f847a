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
    assert text_block("a\nb\n\nc") == "a\\\nb\n\nc"
    assert text_block("  x ") == "&#32;&#32;x&#32;"
    assert text_block("1. a & b &amp;") == "1\\. a & b \\&amp;"


def test_inline_escapes_syntax_and_entities_anywhere():
    assert inline("a*b &amp; <c>") == "a\\*b \\&amp; \\<c\\>"


def test_single_line_joins_lines_and_drops_control_characters():
    assert single_line("a\n\nb\x07") == "a  b"


def test_heading_stays_one_line_and_escapes_every_hash():
    assert heading(2, "A #1\r\nB") == "## A \\#1 B"
    assert heading(1, "") == "#"


def test_line_starts_that_would_make_a_list_are_escaped():
    assert paragraph("- 1. x") == "\\- 1. x"
    assert plain_line("  # x ") == "&#32;&#32;# x&#32;"
