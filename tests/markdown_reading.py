"""Helpers for the export tests: fixed words, nasty strings, and a CommonMark reading."""

from __future__ import annotations

import html
import random
import re
import unicodedata
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefs.rules.markdown_export import ExportWords

COMMONMARK = MarkdownIt("commonmark")


def _en_progress(answered: int, required: int, missing: int) -> str:
    noun = "question" if required == 1 else "questions"
    return f"Answered {answered} of {required} required {noun}; {missing} missing."


def _ru_progress(answered: int, required: int, missing: int) -> str:
    return f"Отвечено на {answered} из {required} обязательных вопросов; не хватает {missing}."


#: The English words, as the view makes them; fixed here so goldens never follow catalogs.
EN_WORDS = ExportWords(
    client="Client:",
    created="Created:",
    sent="Sent to the client:",
    submitted="Submitted:",
    launch_date="Launch date:",
    not_yet="Not yet",
    progress=_en_progress,
    yes="Yes",
    no="No",
    missing="Missing",
    not_applicable="Not applicable",
    no_answer_optional="No answer (optional)",
    changes_requested="The agency asked for changes",
)

RU_WORDS = ExportWords(
    client="Клиент:",
    created="Создан:",
    sent="Отправлен клиенту:",
    submitted="Отправлен на проверку:",
    launch_date="Дата запуска:",
    not_yet="Ещё нет",
    progress=_ru_progress,
    yes="Да",
    no="Нет",
    missing="Нет ответа",
    not_applicable="Не относится",
    no_answer_optional="Без ответа (необязательный вопрос)",
    changes_requested="Агентство просит уточнить",
)


#: Answers written to break Markdown, one per way of breaking it.
NASTY = [
    "# Not a heading",
    "## Also not\n### Nor this",
    "Looks like a title\n===",
    "Looks like a subtitle\n---",
    "---",
    "***",
    "___",
    "- - -",
    "```\ncode fence\n```",
    "~~~python\nprint(1)\n~~~",
    "    four spaces of indent",
    "\tA tab first",
    "  two spaces first\n   three spaces",
    "> a quote\n>> nested",
    "- one\n* two\n+ three",
    "1. first\n2) second\n1986. A great year",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "<script>alert('x')</script>",
    "<!-- hidden comment -->\nvisible",
    "<div>\n*raw block*\n</div>",
    "[x]: http://example.com/evil\n[x]",
    "[link](http://example.com) and ![img](http://example.com/i.png)",
    "<http://example.com> and <mail@example.com>",
    "C:\\Users\\ivan\\",
    "a backslash at the end\\",
    "\\# escaped by the client",
    "trailing spaces  \nmake a break?   ",
    "&amp; &copy; &#35; &#x41; &nbsp;",
    "AT&T; R&D;",
    "*stars* _under_ **bold** __bold__ `code` ~~strike~~",
    "2 * 3 * 4 and snake_case_name",
    "Paragraph one\n\nParagraph two\n\n\n\nAfter three empty lines",
    "\u00a0non-breaking first and last\u00a0",
    "line\u2028separator",
    "Цена: 1 500 ₽ — «под ключ»\n# Заголовок?",
    "=",
    "-",
    "+",
    "#",
    ">",
    "1.",
    "Windows\r\nline ends\rold Mac",
    "[ ] task\n[x] done",
    "Footnote[^1]\n\n[^1]: text",
    "Term\n: definition",
    "*",
    "\\",
    "a\n\\\nb",
]

_PIECES = [
    "#", "##", "###### ", "===", "---", "- ", "* ", "+ ", "1. ", "3) ", "> ", "```", "~~~",
    "    ", "\t", "  ", " ", "|", "| a |", "|---|", "<", ">", "<script>", "</p>", "<!--",
    "-->", "<br>", "[", "]", "(", ")", "[x]: http://a.b", "![", "\\", "\\\\", "&", "&amp;",
    "&#32;", "&#x26;", ";", "*", "**", "_", "__", "`", "``", "~", "~~", "=", ":", "!", "?",
    "\u00a0", "\u3000", "word", "Слово", "42", "1986.", "http://example.com", "www.x.org",
    "a@b.c", "&copy", "\\\n", "{", "}", "^", "$$",
]  # fmt: skip


def generated_strings(count: int = 400, seed: int = 20261102) -> list[str]:
    """Return random texts made of Markdown-special pieces, the same ones every run."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        lines = []
        for _ in range(rng.randint(1, 5)):
            if rng.random() < 0.15:
                lines.append("")
            else:
                lines.append("".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 6))))
        texts.append("\n".join(lines))
    return texts


def typed(text: str) -> str:
    """Return text as the export must show it: LF line ends, no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c for c in text if c in "\t\n" or unicodedata.category(c) != "Cc")
    return text.strip("\n")


def one_line(text: str) -> str:
    """Return text as a heading must show it: on one line, trimmed."""
    return typed(text).replace("\n", " ").strip()


@dataclass
class Part:
    """A heading of the export and the block tokens under it, up to the next heading."""

    level: int
    text: str
    body: list[Token] = field(default_factory=list)


def outline(markdown: str) -> list[Part]:
    """Parse the export with a CommonMark parser and split it at its headings."""
    tokens = COMMONMARK.parse(markdown)
    parts: list[Part] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            parts.append(Part(int(token.tag[1]), inline_text(tokens[index + 1])))
            index += 3
            continue
        if parts:
            parts[-1].body.append(token)
        index += 1
    return parts


def inline_text(token: Token) -> str:
    """Return the text an inline token shows, hard and soft breaks as newlines."""
    out = []
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        else:
            out.append(child.content)
    return "".join(out)


def inline_kinds(tokens: list[Token]) -> set[str]:
    """Return the kinds of inline tokens under the given block tokens."""
    return {child.type for t in tokens if t.type == "inline" for child in t.children or []}


def answer_text(body: list[Token]) -> str:
    """Return the plain paragraphs of a field's body (outside quotes and lists) as text."""
    paragraphs = []
    depth = 0
    for token in body:
        if token.type in ("blockquote_open", "bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("blockquote_close", "bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "inline" and depth == 0:
            paragraphs.append(inline_text(token))
    return "\n\n".join(paragraphs)


def answer_html_text(body: list[Token]) -> str:
    """Render a field's body to HTML, then read it back as text the way a person sees it."""
    rendered = COMMONMARK.renderer.render(body, COMMONMARK.options, {})
    rendered = rendered.replace("<br />\n", "\n").replace("</p>\n<p>", "\n\n")
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip("\n")


def list_items(body: list[Token]) -> list[str]:
    """Return the text of each bullet item in a field's body."""
    return [inline_text(t) for t in body if t.type == "inline" and t.level > 1]
