"""Every user-facing string has a Russian translation, and Russian pages show no English.

The first test extracts the messages as `make extract-messages` does (babel.cfg, the same
keywords, no folder skipped but hidden ones) in memory, and looks each up in the Russian
catalog. The second renders the main pages in Russian and looks for an English msgid
among the words a person sees or hears (text, aria-label, title, placeholder, alt).
"""

from __future__ import annotations

import html
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from briefs.extensions import db
from tests.conftest import login
from tests.factories import russian_pages

ROOT = Path(__file__).resolve().parent.parent
RU_CATALOG = ROOT / "briefs/translations/ru/LC_MESSAGES/messages.po"
#: The keywords the Makefile's `extract-messages` passes to pybabel.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "_lp": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
}
#: Folders the extraction walks into (everything else at the top is not user-facing).
SOURCES = ("briefs", "templates")

#: English text that may stand on a Russian page: it is the same in both languages.
SAME_IN_BOTH = {
    "Briefs",  # the product's name, as the brand in the header and the window title
}


def _russian_catalog():
    with RU_CATALOG.open("rb") as po:
        return read_po(po, locale="ru")


@cache
def _extracted() -> dict[tuple[str | tuple, str | None], str]:
    """Extract every message from the sources; return {(msgid, context): first location}."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for top in SOURCES:
        for filename, lineno, message, _comments, context in extract_from_dir(
            ROOT,
            method_map,
            options_map,
            keywords=KEYWORDS,
            # Only hidden folders are skipped: babel's default also skips `_macros`.
            directory_filter=lambda path, top=top: _walked(Path(path), top),
        ):
            msgid = message if isinstance(message, str) else tuple(message)
            found.setdefault((msgid, context), f"{filename}:{lineno}")
    return found


def _walked(path: Path, top: str) -> bool:
    relative = path.relative_to(ROOT).parts
    if not relative:
        return True
    return relative[0] == top and not any(part.startswith(".") for part in relative)


def test_extraction_reaches_the_underscore_folders():
    # babel skips folders that start with "_" unless told otherwise: the Makefile tells it.
    makefile = (ROOT / "Makefile").read_text()
    assert "--ignore-dirs '.*'" in makefile
    locations = set(_extracted().values())
    assert any(place.startswith("templates/_macros/") for place in locations)
    assert any(place.startswith("templates/_partials/") for place in locations)


def test_every_message_has_a_russian_translation():
    catalog = _russian_catalog()
    problems = []
    for (msgid, context), where in sorted(_extracted().items(), key=lambda item: item[1]):
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        entry = catalog.get(key, context)
        strings = entry and (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None:
            problems.append(f"{where}: {key!r} is not in the Russian catalog")
        elif entry.fuzzy:
            problems.append(f"{where}: {key!r} is fuzzy in the Russian catalog")
        elif not all(strings) and key not in SAME_IN_BOTH:
            problems.append(f"{where}: {key!r} has an empty Russian translation")
    assert not problems, "\n".join(problems)


# Pages ------------------------------------------------------------------------------------------

#: What a person sees or hears besides the text itself.
SPOKEN_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}
#: Markup whose text is not shown (scripts, styles) or is code, not words (event names).
SILENT_TAGS = {"script", "style", "code", "kbd", "samp"}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.silent = 0

    def handle_starttag(self, tag, attrs):
        if tag in SILENT_TAGS:
            self.silent += 1
        self.parts.extend(value for name, value in attrs if name in SPOKEN_ATTRIBUTES and value)
        if tag == "dialog" or any(name == "data-confirm" for name, _ in attrs):
            # The confirm dialog's words travel in data attributes: shown by the script.
            self.parts.extend(value for name, value in attrs if name.startswith("data-") and value)

    def handle_endtag(self, tag):
        if tag in SILENT_TAGS and self.silent:
            self.silent -= 1

    def handle_data(self, data):
        if not self.silent:
            self.parts.append(data)


def _visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    return re.sub(r"\{\w+\}", " ", text)  # a placeholder a person types: {agency}, {title}


def _english_phrases() -> dict[str, str]:
    """Return the English words of every msgid (extracted or in the catalog), as {phrase: msgid}.

    A msgid with placeholders gives the fragments between them. A msgid whose Russian
    translation holds the same words (a name, a number format) is the same in both languages.
    """
    catalog = _russian_catalog()
    msgids = {(msgid, context) for msgid, context in _extracted()}
    msgids |= {(entry.id, entry.context) for entry in catalog if entry.id}
    phrases = {}
    for msgid, context in msgids:
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        entry = catalog.get(key, context)
        strings = () if entry is None else entry.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        for english in msgid if isinstance(msgid, tuple) else (msgid,):
            for piece in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", english):
                phrase = piece.strip(" .,:;()«»\"'—–-!?")
                if (
                    re.search("[A-Za-z]{3}", phrase)
                    and phrase not in SAME_IN_BOTH
                    and not any(phrase in string for string in strings if string)
                ):
                    phrases[phrase] = english
    return phrases


def _english_on(text: str, phrases: dict[str, str]) -> list[str]:
    found = []
    for phrase, msgid in phrases.items():
        # A word of its own: not part of an address, a file name or an event name.
        pattern = r"(?<![\w@{/.])" + re.escape(phrase) + r"(?![\w@}/])(?!\.\w)"
        if phrase in text and re.search(pattern, text):
            found.append(msgid)
    return sorted(found)


def test_russian_pages_show_no_english_msgid(app, client, user):
    pages = russian_pages(user)
    phrases = _english_phrases()
    login(client, user.email)
    problems = []
    for name, path in pages.items():
        response = client.get(path, headers={"Accept-Language": "ru"})
        assert response.status_code in (200, 404), (name, response.status_code)
        if english := _english_on(_visible_text(response.get_data(as_text=True)), phrases):
            problems.append(f"{name} ({path}): {english}")
    # A form sent back with its errors marked.
    refused = client.post("/clients/new", data={"name": ""}, headers={"Accept-Language": "ru"})
    assert refused.status_code in (200, 400, 422) and "form-errors" in refused.get_data(
        as_text=True
    )
    if english := _english_on(_visible_text(refused.get_data(as_text=True)), phrases):
        problems.append(f"refused new client: {english}")
    # A destructive action asked on a page of its own (no JavaScript).
    brief_path = pages["brief"]
    confirm = client.post(f"{brief_path}/close", headers={"Accept-Language": "ru"})
    assert confirm.status_code == 200 and 'name="confirmed"' in confirm.get_data(as_text=True)
    if english := _english_on(_visible_text(confirm.get_data(as_text=True)), phrases):
        problems.append(f"confirm close: {english}")
    # Signed out: the sign-in page in the visitor's language.
    client.post("/logout")
    db.session.expire_all()
    sign_in = app.test_client().get("/login", headers={"Accept-Language": "ru"})
    if english := _english_on(_visible_text(sign_in.get_data(as_text=True)), phrases):
        problems.append(f"sign in: {english}")
    assert not problems, "\n".join(problems)


def test_every_page_title_is_one_line_of_plain_text(client, user):
    """The <title> block holds words only (a section once landed in the account page's)."""
    pages = russian_pages(user)
    login(client, user.email)
    problems = []
    for name, path in pages.items():
        body = client.get(path, headers={"Accept-Language": "ru"}).get_data(as_text=True)
        found = re.search(r"<title>(.*?)</title>", body, re.S)
        title = found.group(1).strip() if found else ""
        if not title or "\n" in title or "<" in html.unescape(title):
            problems.append(f"{name} ({path}): {title[:80]!r}")
    assert not problems, "\n".join(problems)


def test_the_check_finds_an_english_msgid():
    phrases = _english_phrases()
    page = "<main><p>Пожалуйста, проверьте.</p><p>Please correct the marked fields.</p></main>"
    assert _english_on(_visible_text(page), phrases) == ["Please correct the marked fields."]
    said = '<button aria-label="Sign out">⏻</button><code>answer.saved</code>'
    assert _english_on(_visible_text(said), phrases) == ["Sign out"]
    assert _english_on(_visible_text("<p>ivan@agency.example</p>"), phrases) == []
