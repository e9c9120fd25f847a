"""Helpers for the export tests: fixed words, nasty strings, and three Markdown readers."""

from __future__ import annotations

import html
import random
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote

import cmarkgfm
import markdown as python_markdown
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
    """Return text as the export must show it: LF line ends, no control characters.

    A run of empty lines is one paragraph break: no Markdown reader keeps more.
    """
    return re.sub(r"\n\n+", "\n\n", _cleaned(text))


def _cleaned(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c for c in text if c in "\t\n" or unicodedata.category(c) != "Cc")
    return text.strip("\n")


def one_line(text: str) -> str:
    """Return text as a heading must show it: on one line, trimmed."""
    return _cleaned(text).replace("\n", " ").strip()


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


def foreign_links(tokens: list[Token]) -> list[tuple[str, str]]:
    """Return (href, text) of each link under the tokens that does not go where it shows."""
    found = []
    for token in tokens:
        children = (token.children or []) if token.type == "inline" else []
        for index, child in enumerate(children):
            if child.type == "link_open":
                shown = children[index + 1].content if index + 1 < len(children) else ""
                if not links_to_itself(str(child.attrs.get("href", "")), shown):
                    found.append((str(child.attrs.get("href", "")), shown))
    return found


#: Inline tokens an answer may show: text, line breaks, and links to the URLs it holds.
ANSWER_KINDS = {"text", "hardbreak", "link_open", "link_close"}


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


# --- three independent readers --------------------------------------------------------

#: The extensions MkDocs turns on by default, plus the ones its sites commonly add.
MKDOCS_EXTENSIONS = ["toc", "tables", "fenced_code", "def_list", "attr_list", "sane_lists"]

#: Each reader renders Markdown to HTML on its own: CommonMark (markdown-it-py), GitHub's
#: Markdown (cmark-gfm with its extensions: tables, autolinks, strikethrough, task lists)
#: and Python-Markdown without the app's escape extension, bare and as MkDocs sets it up.
READERS = {
    "commonmark": COMMONMARK.render,
    "gfm": cmarkgfm.github_flavored_markdown_to_html,
    "python-markdown": python_markdown.markdown,
    "mkdocs": lambda text: python_markdown.markdown(text, extensions=MKDOCS_EXTENSIONS),
}

_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol"}


@dataclass
class Reading:
    """What a person sees of rendered HTML: its tags, its text and its links."""

    tags: set[str] = field(default_factory=set)
    text: str = ""
    #: (href, shown text) of every link.
    links: list[tuple[str, str]] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.reading = Reading()
        self.parts: list[str] = []
        self.link: tuple[str, list[str]] | None = None
        self.heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.reading.tags.add(tag)
        if tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self.link = (dict(attrs).get("href") or "", [])
        elif re.fullmatch(r"h[1-6]", tag):
            self.heading = []

    def handle_endtag(self, tag):
        if tag == "a" and self.link is not None:
            self.reading.links.append((self.link[0], "".join(self.link[1])))
            self.link = None
        elif self.heading is not None and re.fullmatch(r"h[1-6]", tag):
            self.reading.headings.append(" ".join("".join(self.heading).split()))
            self.heading = None
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)
        if self.link is not None:
            self.link[1].append(data)
        if self.heading is not None:
            self.heading.append(data)

    def handle_comment(self, data):
        self.reading.tags.add("!--")


def read(reader: str, markdown: str) -> Reading:
    """Render Markdown with the named reader and read the result as a person would."""
    return read_html(READERS[reader](markdown))


def read_html(rendered: str) -> Reading:
    """Read rendered HTML as a person would: its text, links, headings and tags."""
    parser = _Reader()
    parser.feed(rendered)
    parser.close()
    parser.reading.text = "".join(parser.parts)
    return parser.reading


def normalised(text: str) -> str:
    """Return text with every run of white space as one space, for comparing readings."""
    return " ".join(text.split())


def address(url: str) -> str:
    """Return a URL with percent-encoding and punycode host names decoded, for comparing."""
    url = unquote(url)
    scheme, sep, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    labels = [
        label[4:].encode("ascii").decode("punycode") if label.lower().startswith("xn--") else label
        for label in host.split(".")
    ]
    return scheme + sep + ".".join(labels) + slash + path


def links_to_itself(href: str, shown: str) -> bool:
    """Tell whether a link goes exactly to the address it shows (encoding aside)."""
    if "@" in shown and "://" not in shown:
        return unquote(href) in (shown, "mailto:" + shown)
    return address(href) == address(shown)


#: URLs as clients paste them, with what Markdown readers like to misread.
URLS = [
    "https://acme.example/price_list?utm_source=mail&utm_medium=brief",
    "http://acme.example/a_b_c/d*e*f",
    "https://ru.wikipedia.org/wiki/Markdown_(language)",
    "https://acme.example/~ivan/__init__.py",
    "https://acme.example/search?q=a+b&sort=-price&page=2#top",
    "http://acme.example/a(b)c/d",
    "https://acme.example/path/with%20space/_x_/index",
    "ftp://files.acme.example/pub/price_2026.pdf",
    "https://acme.example/**bold**/~~strike~~/",
    "https://acme.example/x?a=1&b=:--&c=|",
    "HTTPS://ACME.EXAMPLE/UP_CASE",
    "https://пример.рф/путь_к?цена=1",
    "https://acme.example/emoji/🙂_ok",
]

#: Texts around each URL: sentence punctuation and brackets that are not part of it.
URL_SETTINGS = [
    "{}",
    "See {}.",
    "Links: {}, and more",
    "(see {})",
    "Цена: {} — да!",
    "- {}",
    ":-- {}",
    "> {}?",
    "**{}**",
    "1. {};",
]

#: Answers aimed at the three readers' differences, one per way.
HOSTILE = [
    "Price list: https://acme.example/price_list?utm_source=brief&utm_campaign=x_y",
    "a\n:--",
    "a | b\n:--|:--",
    "head\n:-:\nrow",
    "Term\n: definition",
    ": starts with a colon",
    "|pipe first",
    "=equals first",
    "~single tilde~ and ~~double~~",
    "www.acme.example and WWW.ACME.EXAMPLE/x_y",
    "ivan_petrov@acme.example and mailto:ivan_petrov@acme.example",
    "{: .class #id} attribute list",
    "paragraph {: #id}",
    "<https://acme.example/a_b> already bracketed",
    "[text](https://acme.example/a_b) already a link",
    "C:\\Users\\ivan_petrov\\price*list*.xlsx",
    "*emphasis run* **strong** ***both*** _a_ __b__ ___c___ * * *",
    "snake_case_name and 2*3*4 and a_b_c_",
    "&amp; &lt; &#124; &#58; &copy; AT&T; R&D",
    "Кириллица: «ёлка» — 1 500 ₽; эмодзи 🙂🎉👍🏽",
    "!!! note\n    admonition?",
    "\\*not emphasis\\*",
    "line one\nline two\n\n\n\nafter four empty lines",
    "trailing backslash \\\nnext",
    "1) first\n2. second\n- dash\n+ plus\n* star",
    "---\n===\n***\n___",
    "<b>bold?</b> <img src=x onerror=alert(1)> <!-- c -->",
    "`code` ``double`` ```triple```",
    "$math$ and $$block$$ and ^sup^ and H~2~O",
    "[^1] footnote\n\n[^1]: text",
    "http://acme.example/a\\b and https://acme.example/`x` and http://a.example/[x]",
    "xhttp://acme.example/a_b 1http://acme.example/c_d",
]

_HOSTILE_PIECES = [
    ":", ":--", "|", "|:-", "-:", "~", "~~", "=", "==", "{", "}", "{: #a}", "&", "&amp;",
    "&#124;", "\\", "_", "__", "*", "**", "`", "<", ">", "[", "](", ")", "!", "#", "- ",
    "1. ", "    ", " ", "  ", "\t", "www.", "http://a.example/x_y", "https://b.example/(p)",
    "?q=1&r=_2", "a@b.example", "Слово", "🙂", "ё", "word", "\n", "\n\n", "\\\n",
]  # fmt: skip


def hostile_strings(count: int = 400, seed: int = 20261129) -> list[str]:
    """Return HOSTILE plus random texts of pieces the three readers read differently."""
    rng = random.Random(seed)
    texts = list(HOSTILE)
    for _ in range(count):
        texts.append("".join(rng.choice(_HOSTILE_PIECES) for _ in range(rng.randint(1, 12))))
    return texts
