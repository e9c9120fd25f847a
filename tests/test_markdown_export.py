"""The Markdown export: its structure survives any answer, and its bytes are pinned."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from briefs.exports.preview import render_export_html
from briefs.rules.markdown_export import (
    ExportBrief,
    ExportField,
    ExportFile,
    ExportSection,
    brief_markdown,
)
from tests.markdown_reading import (
    ANSWER_KINDS,
    COMMONMARK,
    EN_WORDS,
    NASTY,
    RU_WORDS,
    answer_html_text,
    answer_text,
    foreign_links,
    generated_strings,
    inline_kinds,
    inline_text,
    list_items,
    one_line,
    outline,
    typed,
)

CHANGES = "changes_requested"


def brief_of(*fields: ExportField, title: str = "Teeth whitening page") -> ExportBrief:
    """Return a brief with one section holding the given fields."""
    return ExportBrief(
        title=title,
        client_name="Acme Dental",
        created=date(2026, 11, 2),
        sent=date(2026, 11, 3),
        launch=date(2026, 12, 15),
        sections=(ExportSection("The service", tuple(fields)),),
    )


def text_field(value: str, **kw) -> ExportField:
    """Return a required long-text field holding value."""
    label = kw.pop("label", "Answer")
    return ExportField(label, "long_text", kw.pop("required", True), value=value, **kw)


def field_body(markdown: str, index: int = 0):
    """Return the body tokens of the index-th field (level-3 heading) of an export."""
    return [part for part in outline(markdown) if part.level == 3][index].body


# --- structure survives what clients type ---------------------------------------------


@pytest.mark.parametrize("value", NASTY)
def test_nasty_answer_renders_as_typed(value):
    exported = brief_markdown(brief_of(text_field(value)), EN_WORDS)
    parts = outline(exported)
    assert [(p.level, p.text) for p in parts] == [
        (1, "Teeth whitening page"),
        (2, "The service"),
        (3, "Answer"),
    ]
    body = parts[-1].body
    assert answer_text(body) == typed(value)
    assert answer_html_text(body) == typed(value)
    # Text, line breaks and the URLs typed: no emphasis, code, image or raw HTML came
    # through, and every link goes to exactly the address it shows.
    assert inline_kinds(body) <= ANSWER_KINDS
    assert foreign_links(body) == []
    # Paragraphs only: no code block, fence, raw HTML, list, quote or rule.
    assert {t.type for t in body} == {"paragraph_open", "inline", "paragraph_close"}


def test_generated_answers_and_labels_keep_the_structure():
    texts = [t for t in NASTY + generated_strings() if typed(t).strip()]
    fields = [text_field(text, label=texts[-1 - i]) for i, text in enumerate(texts)]
    brief = ExportBrief(
        title=texts[0],
        client_name=texts[1],
        created=date(2026, 11, 2),
        sections=(
            ExportSection(texts[2], tuple(fields[: len(fields) // 2])),
            ExportSection(texts[3], tuple(fields[len(fields) // 2 :])),
        ),
    )
    exported = brief_markdown(brief, EN_WORDS)
    parts = outline(exported)
    expected = [(1, one_line(texts[0])), (2, one_line(texts[2]))]
    expected += [(3, one_line(f.label)) for f in fields[: len(fields) // 2]]
    expected += [(2, one_line(texts[3]))]
    expected += [(3, one_line(f.label)) for f in fields[len(fields) // 2 :]]
    assert [(p.level, p.text) for p in parts] == expected
    answers = [p for p in parts if p.level == 3]
    for part, field in zip(answers, fields, strict=True):
        assert answer_text(part.body) == typed(field.value), field.value
        assert answer_html_text(part.body) == typed(field.value), field.value
        assert inline_kinds(part.body) <= ANSWER_KINDS, field.value
        assert foreign_links(part.body) == [], field.value


def test_generated_choices_stay_one_item_each():
    options = [one for one in (typed(t).split("\n")[0] for t in generated_strings(200)) if one]
    options = [o for o in options if o.strip()]
    field = ExportField("Pick", "multiple_choice", True, value="\n".join(options))
    body = field_body(brief_markdown(brief_of(field), EN_WORDS))
    assert list_items(body) == options
    assert inline_kinds(body) <= {"text", "link_open", "link_close"}
    assert foreign_links(body) == []


def test_labels_with_line_breaks_become_one_line_headings():
    field = text_field("ok", label="First line\nsecond # line ##")
    parts = outline(brief_markdown(brief_of(field, title="A\r\n===\nB"), EN_WORDS))
    assert [p.text for p in parts] == ["A === B", "The service", "First line second # line ##"]


def test_preview_html_keeps_the_same_headings_and_drops_scripts():
    fields = [text_field(value, label=f"Q{i} <b>{value[:8]}</b>") for i, value in enumerate(NASTY)]
    exported = brief_markdown(brief_of(*fields), EN_WORDS)
    page = str(render_export_html(exported))
    assert "<script" not in page and "<div>" not in page and "<!--" not in page
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in page
    headings = re.findall(r"<h3>(.*?)</h3>", page)
    assert len(headings) == len(NASTY)
    assert headings[0] == "Q0 &lt;b&gt;# Not a &lt;/b&gt;"


# --- every field type and marker ------------------------------------------------------


def test_header_lists_client_dates_and_completeness():
    brief = brief_of(text_field("yes"), text_field(""), text_field("", required=False))
    exported = brief_markdown(replace(brief, submitted=None), EN_WORDS)
    assert exported.startswith("# Teeth whitening page\n\n- **Client:** Acme Dental\n")
    assert "- **Created:** 2026-11-02\n" in exported
    assert "- **Sent to the client:** 2026-11-03\n" in exported
    assert "- **Submitted:** Not yet\n" in exported
    assert "- **Launch date:** 2026-12-15\n" in exported
    assert "\n\nAnswered 1 of 2 required questions; 1 missing.\n\n" in exported


def test_markers_for_missing_optional_and_not_applicable():
    fields = [
        ExportField("Required", "short_text", True, value="   "),
        ExportField("Optional", "short_text", False),
        ExportField("Does not apply", "short_text", True, value="old", not_applicable=True),
    ]
    exported = brief_markdown(brief_of(*fields), EN_WORDS)
    assert "### Required\n\n_Missing_\n" in exported
    assert "### Optional\n\n_No answer (optional)_\n" in exported
    assert "### Does not apply\n\n_Not applicable_\n" in exported
    for index in range(3):
        assert inline_kinds(field_body(exported, index)) == {"em_open", "text", "em_close"}


def test_changes_requested_shows_the_answer_and_the_comment():
    field = ExportField(
        "Price",
        "short_text",
        True,
        value="about 1500",
        review_verdict=CHANGES,
        review_comment="Please give an exact price.\n\n# Per session?",
    )
    exported = brief_markdown(brief_of(field), EN_WORDS)
    assert "Answered 0 of 1 required question; 1 missing." in exported
    body = field_body(exported)
    assert answer_text(body) == "about 1500"
    quote = body[body.index(next(t for t in body if t.type == "blockquote_open")) :]
    texts = [inline_text(t) for t in quote if t.type == "inline"]
    assert texts == ["The agency asked for changes\nPlease give an exact price.", "# Per session?"]
    assert "strong_open" in inline_kinds(quote)


def test_changes_requested_without_comment_and_without_answer():
    field = ExportField("Photos", "file", True, review_verdict=CHANGES)
    exported = brief_markdown(brief_of(field), EN_WORDS)
    assert "### Photos\n\n_Missing_\n\n> **The agency asked for changes**\n" in exported


def test_yes_no_words_and_choices():
    fields = [
        ExportField("Parking", "yes_no", True, value="yes"),
        ExportField("Delivery", "yes_no", True, value="no"),
        ExportField("Format", "single_choice", True, value="* Online"),
        ExportField("Channels", "multiple_choice", True, value="Search\n\n- Ads\n1. Referrals"),
    ]
    exported = brief_markdown(brief_of(*fields), RU_WORDS)
    assert answer_text(field_body(exported, 0)) == "Да"
    assert answer_text(field_body(exported, 1)) == "Нет"
    assert answer_text(field_body(exported, 2)) == "* Online"
    assert list_items(field_body(exported, 3)) == ["Search", "- Ads", "1. Referrals"]


def test_files_are_links_to_absolute_urls():
    files = (
        ExportFile("price [2026].pdf", "https://briefs.example/briefs/1/files/7"),
        ExportFile("photo (1).jpg", "https://briefs.example/briefs/1/files/8?x=a b"),
    )
    field = ExportField("Certificates", "file", True, value="7\n8", files=files)
    body = field_body(brief_markdown(brief_of(field), EN_WORDS))
    links = [c for t in body if t.type == "inline" for c in t.children if c.type == "link_open"]
    assert [link.attrs["href"] for link in links] == [
        "https://briefs.example/briefs/1/files/7",
        "https://briefs.example/briefs/1/files/8?x=a%20b",
    ]
    assert list_items(body) == ["price [2026].pdf", "photo (1).jpg"]


def test_file_field_whose_files_were_all_removed_is_missing():
    field = ExportField("Photos", "file", True, value="7")
    exported = brief_markdown(brief_of(field), EN_WORDS)
    assert "### Photos\n\n_Missing_\n" in exported


def test_every_stored_text_type_is_written_as_typed():
    values = {
        "short_text": "Whitening <Pro>",
        "number": "1 500,50",
        "date": "2026-12-01",
        "email": "ivan_petrov@acme.example",
        "url": "https://acme.example/a_b?c=1&d=2",
        "single_choice": "Clinic",
    }
    fields = [ExportField(kind, kind, True, value=value) for kind, value in values.items()]
    exported = brief_markdown(brief_of(*fields), EN_WORDS)
    for index, value in enumerate(values.values()):
        assert answer_text(field_body(exported, index)) == value


# --- bytes ----------------------------------------------------------------------------


def every_type_brief(locale: str) -> ExportBrief:
    """Return a brief with an answer of every type and every marker, nasty ones included."""

    def w(english: str, russian: str) -> str:
        return russian if locale == "ru" else english

    files = (
        ExportFile(
            w("licence (2026).pdf", "Лицензия (2026).pdf"), "http://localhost/briefs/1/files/1"
        ),
        ExportFile("team_photo.jpg", "http://localhost/briefs/1/files/2"),
    )
    nasty_long = (
        "# Step 1\nConsultation\n===\n\n    indented\n```\n<script>alert(1)</script>\n"
        "- item\n1. first\n> quote\n| a | b |\n[x]: http://evil.example\n"
        "&amp; C:\\path\\ trailing  \n\n\nend"
    )
    service = (
        ExportField(w("Service name", "Название услуги"), "short_text", True, "Отбеливание *Pro*"),
        ExportField(
            w("What exactly is done?", "Что именно делается?"), "long_text", True, nasty_long
        ),
        ExportField(w("Price", "Цена, ₽"), "number", False, "12 000"),
        ExportField(w("Duration", "Длительность"), "short_text", False),
        ExportField(w("Start date", "Дата начала"), "date", True, "2026-12-01"),
    )
    audience = (
        ExportField("E-mail", "email", True, "ivan@acme.example"),
        ExportField(w("Site", "Сайт"), "url", True, "https://acme.example/a_b"),
        ExportField(w("Parking?", "Парковка?"), "yes_no", True, "yes"),
        ExportField(w("Delivery?", "Доставка?"), "yes_no", True, "no"),
        ExportField(
            w("Format", "Формат"),
            "single_choice",
            True,
            "Clinic",
            review_verdict=CHANGES,
            review_comment=w("Which clinic?\nBoth *addresses*, please.", "Какая клиника?"),
        ),
        ExportField(w("Channels", "Каналы"), "multiple_choice", True, "Search\n# Ads\nReferrals"),
        ExportField(w("Certificates", "Сертификаты"), "file", True, "1\n2", files=files),
        ExportField(w("Competitors", "Конкуренты"), "long_text", True),
        ExportField(w("Guarantee", "Гарантия"), "long_text", True, "n/a", not_applicable=True),
    )
    return ExportBrief(
        title=w("Teeth whitening page #1", "Страница «Отбеливание зубов» #1"),
        client_name=w("Acme <Dental> & Co", "Акме <Дентал> & Co"),
        created=date(2026, 11, 2),
        sent=date(2026, 11, 3),
        submitted=None,
        launch=date(2026, 12, 15),
        sections=(
            ExportSection(w("The service", "Услуга"), service),
            ExportSection(w("Audience", "Аудитория"), audience),
            ExportSection(w("Empty section", "Пустой раздел")),
        ),
    )


@pytest.mark.parametrize("locale,words", [("en", EN_WORDS), ("ru", RU_WORDS)])
def test_golden_export(locale, words, assert_golden):
    exported = brief_markdown(every_type_brief(locale), words)
    assert_golden(f"brief_export.{locale}.md", exported)


@pytest.mark.parametrize("locale,words", [("en", EN_WORDS), ("ru", RU_WORDS)])
def test_same_brief_gives_the_same_bytes(locale, words):
    first = brief_markdown(every_type_brief(locale), words)
    second = brief_markdown(every_type_brief(locale), words)
    assert first == second
    assert first.endswith("\n") and not first.endswith("\n\n")
    assert "\r" not in first


def test_golden_headings_are_the_brief_own():
    brief = every_type_brief("en")
    parts = outline(brief_markdown(brief, EN_WORDS))
    expected = [(1, brief.title)]
    for section in brief.sections:
        expected.append((2, section.title))
        expected.extend((3, field.label) for field in section.fields)
    assert [(p.level, p.text) for p in parts] == expected
    assert COMMONMARK.render(brief_markdown(brief, EN_WORDS)).count("<script") == 0


def test_a_number_shows_the_clients_text_then_the_number_read_from_it():
    fields = [
        ExportField("Price", "number", True, value="от 25 000 ₽", number="25000"),
        ExportField("Visits", "number", True, value="3"),
    ]
    exported = brief_markdown(brief_of(*fields), EN_WORDS)
    assert "### Price\n\nот 25 000 ₽ (25000)\n" in exported
    assert "### Visits\n\n3\n" in exported
