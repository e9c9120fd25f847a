"""The export reads the same in CommonMark, GitHub's Markdown and Python-Markdown.

Each hostile answer is rendered by three independent readers (markdown-it-py, cmark-gfm
and Python-Markdown without the app's escape extension, bare and set up as MkDocs does);
what a person sees must be the text as typed, and every link must go to the address it
shows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from briefs.exports.preview import render_export_html
from briefs.rules.markdown_export import (
    ExportBrief,
    ExportField,
    ExportFile,
    ExportSection,
    brief_markdown,
)
from briefs.rules.markdown_text import heading, text_block
from tests.markdown_reading import (
    EN_WORDS,
    NASTY,
    READERS,
    URL_SETTINGS,
    URLS,
    address,
    generated_strings,
    hostile_strings,
    links_to_itself,
    normalised,
    one_line,
    read,
    read_html,
    typed,
)

CORPUS = [t for t in NASTY + generated_strings() + hostile_strings() if typed(t).strip()]


def test_the_corpus_is_large_and_hostile():
    assert len(CORPUS) > 800
    joined = "\n".join(CORPUS)
    for piece in ("\n:--", "|", "~~", "http://", "https://", "www.", "\\", "🙂", "Ё".lower()):
        assert piece in joined


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_answer_reads_as_typed(reader):
    wrong = []
    for value in CORPUS:
        reading = read(reader, text_block(value))
        problems = []
        if not reading.tags <= {"p", "br", "a"}:
            problems.append(f"tags {sorted(reading.tags - {'p', 'br', 'a'})}")
        if normalised(reading.text) != normalised(typed(value)):
            problems.append(f"text {reading.text!r}")
        problems += [f"link {link}" for link in reading.links if not links_to_itself(*link)]
        if problems:
            wrong.append((value, problems))
    assert wrong == [], f"{len(wrong)} of {len(CORPUS)} answers misread: {wrong[:5]}"


@pytest.mark.parametrize("reader", sorted(READERS))
def test_each_url_links_to_exactly_itself(reader):
    for url in URLS:
        for setting in URL_SETTINGS:
            value = setting.format(url)
            reading = read(reader, text_block(value))
            # markdown-it shows an autolink's %20 as a space: compare decoded.
            assert address(normalised(reading.text)) == address(normalised(value)), value
            assert [(address(href), address(shown)) for href, shown in reading.links] == [
                (address(url), address(url))
            ], value


def test_urls_keep_no_escape_backslashes_in_the_markdown():
    written = text_block("https://acme.example/price_list?utm_source=x_y*z~(1)")
    assert written == "<https://acme.example/price_list?utm_source=x_y*z~(1)>"


def test_www_addresses_are_not_linked_to_a_guessed_scheme():
    for reader in READERS:
        assert read(reader, text_block("www.acme.example/a_b")).links == []


@pytest.mark.parametrize("reader", sorted(READERS))
def test_no_answer_line_starts_a_table_or_definition(reader):
    for value in ("a\n:--", "a | b\n:--|:--", "a\n|---|", "Term\n: definition", "x\n-:"):
        reading = read(reader, text_block(value))
        assert reading.tags <= {"p", "br"}, (value, reading.tags)


@pytest.mark.parametrize("reader", sorted(READERS))
def test_headings_read_as_typed(reader):
    titles = [t for t in CORPUS if one_line(t)][:300]
    markdown = "\n\n".join(heading(2, title) for title in titles)
    reading = read(reader, markdown)
    assert reading.headings == [normalised(one_line(t)) for t in titles]
    assert all(links_to_itself(*link) for link in reading.links)


@pytest.mark.parametrize("reader", sorted(READERS))
def test_whole_export_reads_the_same_in_every_reader(reader):
    values = [t for t in CORPUS if one_line(t)][:120]
    fields = [
        ExportField(one_line(values[-1 - i]) or "Q", "long_text", True, value=value)
        for i, value in enumerate(values)
    ]
    files = (
        ExportFile("price_list (2026) http://x.pdf", "https://acme.example/f/1_a*b?x=(1)"),
        ExportFile("[photo]~1~.jpg", "https://acme.example/f/2?name=a b"),
    )
    choices = ExportField("Pick", "multiple_choice", True, value=":--\n|a|\nhttp://x.example/_y_")
    note = ExportField(
        "Note",
        "short_text",
        True,
        "ok",
        review_verdict="changes_requested",
        review_comment="a\n:--",
    )
    brief = ExportBrief(
        title="Brief https://acme.example/a_b #1",
        client_name="Acme | Co_ltd",
        created=date(2026, 11, 2),
        sections=(
            ExportSection(":-- section", tuple(fields)),
            ExportSection("More", (ExportField("Files", "file", True, "1\n2", files=files),)),
            ExportSection("Last", (choices, note)),
        ),
    )
    reading = read(reader, brief_markdown(brief, EN_WORDS))
    expected_headings = ["Brief https://acme.example/a_b #1", ":-- section"]
    expected_headings += [normalised(f.label) for f in fields]
    expected_headings += ["More", "Files", "Last", "Pick", "Note"]
    assert reading.headings == expected_headings
    allowed = {"h1", "h2", "h3", "p", "br", "a", "ul", "li", "strong", "em", "blockquote"}
    assert reading.tags <= allowed, reading.tags - allowed
    file_links = [link for link in reading.links if "/f/" in link[0]]
    assert [(address(href), shown) for href, shown in file_links] == [
        ("https://acme.example/f/1_a*b?x=(1)", "price_list (2026) http://x.pdf"),
        ("https://acme.example/f/2?name=a b", "[photo]~1~.jpg"),
    ]
    others = [link for link in reading.links if "/f/" not in link[0]]
    assert all(links_to_itself(*link) for link in others), others
    text = normalised(reading.text)
    for value in values:
        assert normalised(typed(value)) in text, value
    for piece in ("Pick :-- |a| http://x.example/_y_", "changes a :--", "Acme | Co_ltd"):
        assert piece in text, piece


@pytest.mark.parametrize(
    "name", ["brief_export.en.md", "brief_export.ru.md", "timeline_brief.en.md"]
)
def test_golden_exports_read_the_same_in_every_reader(name):
    markdown = (Path(__file__).parent / "golden" / name).read_text(encoding="utf-8")
    readings = {reader: read(reader, markdown) for reader in READERS}
    first = readings["commonmark"]
    assert "\\" not in first.text.replace("C:\\path\\", "")
    for reader, reading in readings.items():
        assert reading.headings == first.headings, reader
        assert normalised(reading.text) == normalised(first.text), reader
        # GFM also links the e-mail addresses it finds; the text stays the same.
        assert [address(href) for href, _ in reading.links if "mailto:" not in href] == [
            address(href) for href, _ in first.links
        ], reader
        assert not reading.tags & {"table", "pre", "hr", "img", "del", "dl", "!--"}


def test_the_preview_page_shows_every_answer_as_typed():
    # The preview is plain Python-Markdown (tables, fences) and the sanitiser, no escapes.
    markdown = "\n\n".join(f"### Q{i}\n\n{text_block(v)}" for i, v in enumerate(CORPUS))
    chunks = str(render_export_html(markdown)).split("<h3>")[1:]
    assert len(chunks) == len(CORPUS)
    for index, (value, chunk) in enumerate(zip(CORPUS, chunks, strict=True)):
        reading = read_html("<h3>" + chunk)
        assert normalised(reading.text) == normalised(f"Q{index} {typed(value)}"), value
        # The sanitiser drops an href it finds invalid (`http://example.com}^`), no more.
        assert all(not href or links_to_itself(href, shown) for href, shown in reading.links)
        assert reading.tags <= {"h3", "p", "br", "a"}, value
