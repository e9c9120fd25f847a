"""Escape user text for Markdown so that it shows as typed and no text can add structure.

Pure: the brief export (briefs.rules.markdown_export) and the timeline report
(briefs.rules.timeline_report) write every piece of user text through these functions.

The export must read the same in CommonMark, GitHub's Markdown (GFM: tables,
strikethrough, bare URLs as links) and Python-Markdown (MkDocs), so each character that
can open syntax in any of them is written in a way all three read back as that character:

- a backslash escape for the characters Python-Markdown also unescapes
  (`` \\ ` * _ { [ ] > # + - . ) ``);
- a character reference for the others (`<` as `&lt;`, `|` as `&#124;`, `~` as `&#126;`, a
  leading `=` or `:` as `&#61;` / `&#58;`, and an `&` that would start an entity as
  `&amp;`): Python-Markdown shows a backslash before them.

A URL (`http`, `https` or `ftp`) is written as an autolink `<…>`, which all three readers
link to exactly the address shown; left bare, GFM would link it with the escape
backslashes still in it. `www.` is written `www\\.` so GFM does not link it to a guessed
address. Lines of answers also go through `plain_line`, which escapes what only matters at
the start of a line (headings, quotes, lists, setext underlines, table delimiter rows,
definition lists) and writes leading and trailing white space as numeric character
references (parsers strip it, and four spaces would start a code block). In a
`text_block`, lines of one paragraph end in two spaces (the hard line break every reader
knows) and empty lines between them become one paragraph break.

Escaping is done with compiled regular expressions and `str.translate`, never a Python
loop over characters: exports of large briefs stay fast.
"""

from __future__ import annotations

import re

#: Escaped wherever they appear; each can open inline syntax in one of the readers.
_INLINE = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "{": "\\{",
    "[": "\\[",
    "]": "\\]",
    ">": "\\>",
    "<": "&lt;",
    "|": "&#124;",
    "~": "&#126;",
}
_INLINE_TABLE = str.maketrans(_INLINE)
#: In a heading any `#` could close it early.
_HEADING_TABLE = str.maketrans({**_INLINE, "#": "\\#"})

#: What a line must not start with: headings, lists, setext underlines, table delimiter
#: rows and definitions (`*`, `` ` ``, `~`, `|`, `>` are escaped everywhere already).
_LINE_START = {"#": "\\#", "-": "\\-", "+": "\\+", "=": "&#61;", ":": "&#58;"}

#: A line start to escape: one of `_LINE_START`, or digits then `.` or `)` (ordered list).
_LINE_START_RE = re.compile(r"^(?:([#+=:-])|(\d+)([.)]))", re.MULTILINE)

#: White space at the start or end of a line (parsers strip it; four spaces make code).
_LINE_EDGE = re.compile(r"^[^\S\n]+|[^\S\n]+$", re.MULTILINE)

#: `&` followed by something that reads as an entity (`&amp;`, `&#32;`, `&#x41;`).
_ENTITY_LIKE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")

#: `www.` that GFM would turn into a link to `http://www.…`.
_WWW = re.compile(r"(?<![0-9A-Za-z])(www)\.", re.IGNORECASE)

#: A URL GFM would link when bare (its scheme not glued to a preceding letter). It stops
#: before white space, angle brackets and what Python-Markdown would read inside an
#: autolink (backslashes, code, brackets, quotes and entities).
_URL = re.compile(
    r"(?<![A-Za-z])(?:https?|ftp)://(?:(?!&#?[0-9A-Za-z]+;)[^\s<>\[\]\\`\"])+",
    re.IGNORECASE,
)

#: Punctuation that ends a sentence rather than the URL, as GFM reads it.
_URL_TAIL = "?!.,:;*_~'"

#: Control characters nobody types (tab and line feed are kept).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

#: One or more empty lines between paragraphs.
_PARAGRAPH_BREAK = re.compile(r"\n\n+")


def text_block(text: str, prefix: str = "") -> str:
    """Return text as paragraphs that render exactly as typed; `prefix` starts each line."""
    paragraphs = _PARAGRAPH_BREAK.split(_escaped_lines(_clean(text).strip("\n")))
    hard_break = "  \n" + prefix
    return f"\n{prefix.rstrip()}\n".join(
        prefix + paragraph.replace("\n", hard_break) for paragraph in paragraphs
    )


def _clean(text: str) -> str:
    """Return text with LF line ends and without control characters."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def plain_line(line: str) -> str:
    """Escape one non-empty line of user text so it stays one line of plain text."""
    return _escaped_lines(line)


def _escaped_lines(text: str) -> str:
    """Escape each line of text at once, keeping the line breaks where they are."""
    text = _LINE_START_RE.sub(_line_start, inline(text))
    return _LINE_EDGE.sub(_edge_refs, text)


def _line_start(match: re.Match) -> str:
    """Escape what starts a heading, list, setext underline, table row or definition."""
    first = match.group(1)
    return _LINE_START[first] if first else match.group(2) + "\\" + match.group(3)


def _edge_refs(match: re.Match) -> str:
    """Write white space as character references so no parser strips or reads it."""
    return "".join(f"&#{ord(ch)};" for ch in match.group())


def inline(text: str, links: bool = True) -> str:
    """Escape characters that open inline syntax anywhere in a line; URLs become links.

    With `links=False` (text that is itself a link's text) no URL is linked.
    """
    return _inline(text, _INLINE_TABLE, links)


def _inline(text: str, table: dict[int, str], links: bool) -> str:
    if "://" not in text:
        return _escape(text, table)
    if not links:
        return _escape(text, table).replace("://", "&#58;//")
    out = []
    start = 0
    for match in _URL.finditer(text):
        url = _trim_url(match.group())
        out.append(_escape(text[start : match.start()], table))
        out.append(f"<{url}>")
        start = match.start() + len(url)
    out.append(_escape(text[start:], table))
    return "".join(out)


def _escape(text: str, table: dict[int, str]) -> str:
    """Escape plain text (no URLs in it) with the given translation table."""
    return _WWW.sub(r"\1\\.", _ENTITY_LIKE.sub("&amp;", text).translate(table))


def _trim_url(url: str) -> str:
    """Drop sentence punctuation and an unbalanced closing parenthesis from a URL's end."""
    while True:
        trimmed = url.rstrip(_URL_TAIL)
        if trimmed.endswith(")") and trimmed.count(")") > trimmed.count("("):
            trimmed = trimmed[:-1]
        if trimmed == url:
            return url
        url = trimmed


def single_line(text: str) -> str:
    """Return text on one line: line breaks become spaces, control characters go."""
    return " ".join(_clean(text).strip("\n").split("\n")).strip()


def heading(level: int, text: str) -> str:
    """Return an ATX heading that shows exactly `text` on one line."""
    content = _inline(single_line(text), _HEADING_TABLE, links=True)
    return "#" * level + (" " + content if content else "")


def paragraph(text: str) -> str:
    """Return a one-line paragraph of fixed words."""
    return _LINE_START_RE.sub(_line_start, inline(single_line(text)), count=1)
