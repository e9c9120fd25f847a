"""An answer is never altered by a later save: hostile text through every path.

Each string of a corpus (NUL and other control characters, CR/LF variants, lone surrogates
sent as raw bytes, RTL marks, backslashes, very long text) is saved through each way an
answer arrives: the agency's prefill, the client's autosave, the no-JS Save, Submit and the
Confirm button. Each path stores the same text. Then the page is read back the way a
browser reads it (an <input> drops line breaks, a <textarea> drops one leading line feed
and sends CRLF) and posted again through every path: the stored answer and its revision
stay as they were.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from werkzeug.test import EnvironBuilder

from briefs.extensions import db
from briefs.models import BriefField
from briefs.rules.answers import AnswerError, clean_answer
from tests.factories import fields_by_key, make_brief, make_template

pytestmark = pytest.mark.usefixtures("frozen_clock")

_FRAGMENTS = [
    "\x00",
    "\x00\x00x\x00",
    "\x01\x02\x07\x08",
    "\x0b\x0c",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\x9b",
    "\n",
    "\r",
    "\r\n",
    "\n\r",
    "\r\r\n\n",
    "\t",
    " \t \n ",
    "\u2028",
    "\u2029",
    "\ud800",
    "\udfff",
    "\u200f\u202e",
    "\u202b",
    "\ufeff",
    "\\",
    "\\n",
    "\\\\",
    "C:\\path\\",
    "\u00a0",
    "\ufffd",
]
_PRICE = "Цена: от 5 000 ₽{}Гарантия: 2 года"

#: Each fragment inside a sentence, and whole texts that test the ends and the length.
CORPUS = [_PRICE.format(fragment) for fragment in _FRAGMENTS] + [
    "\n\nstarts with blank lines",
    "  indented\n\tline\n",
    "x" * 19_990 + "\r\n" * 5,
    ("line\r\n" * 3_000)[:20_000],
    "x" * 20_001,
    "\u05e9\u05dc\u05d5\u05dd \u200fשלום\u200e",
]
#: Each fragment alone, at the start and at the end of an answer (the stress run).
MORE = (
    list(_FRAGMENTS)
    + [fragment + "text" for fragment in _FRAGMENTS]
    + ["text" + fragment for fragment in _FRAGMENTS]
)

#: Field key -> type; each path fills its own pair of fields on one brief.
PATHS = ("autosave", "save", "prefill")
TYPES = {f"{kind}_{path}": f"{kind}_text" for path in PATHS for kind in ("short", "long")}


def _received(text: str) -> str:
    """What the server reads from the bytes sent (a lone surrogate is not UTF-8)."""
    builder = EnvironBuilder(
        method="POST", data=_body([("v", text)]), content_type="application/x-www-form-urlencoded"
    )
    return builder.get_request().form["v"]


def _body(pairs: list[tuple[str, str]]) -> str:
    """A url-encoded body sent as a hostile client would: lone surrogates as raw bytes."""
    return "&".join(
        f"{quote(name)}={quote(value.encode('utf-8', 'surrogatepass'), safe='')}"
        for name, value in pairs
    )


def _post(client, url: str, pairs: list[tuple[str, str]]):
    return client.post(url, data=_body(pairs), content_type="application/x-www-form-urlencoded")


class _BrowserForm(HTMLParser):
    """The answer inputs of the client's form, valued as a browser would send them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pairs: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name", "")
        wanted = name == "seen" or name.split("-")[0] in ("f", "na", "base")
        if tag == "textarea" and wanted:
            self._textarea, self._text = name, []
        elif tag == "input" and wanted:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            value = attributes.get("value", "").replace("\r\n", "\n").replace("\r", "\n")
            if kind in ("text", "email", "url", "hidden", "date"):
                value = value.replace("\n", "")  # value sanitisation: no line breaks
            if kind in ("email", "url"):
                value = value.strip(" \t\n\f\r")
            self.pairs.append((name, value))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            text = "".join(self._text).replace("\r\n", "\n").replace("\r", "\n")
            text = text.removeprefix("\n")  # the HTML parser drops one leading line feed
            self.pairs.append((self._textarea, text.replace("\n", "\r\n")))
            self._textarea = None


def browser_form(client, token: str) -> list[tuple[str, str]]:
    parser = _BrowserForm()
    parser.feed(client.get(f"/c/{token}").get_data(as_text=True))
    return parser.pairs


def _expected(field_type: str, text: str) -> str | None:
    try:
        return clean_answer(field_type, [], _received(text))
    except AnswerError:
        return None


def _state(field: BriefField) -> tuple[str, int]:
    db.session.refresh(field)
    return field.value, field.revision


@pytest.fixture
def round_trip_template(user):
    fields = [{"key": key, "label": key, "type": kind} for key, kind in TYPES.items()]
    return make_template("Round trip", [("Texts", fields)])


def _resave_everywhere(client, token: str, fields: list[BriefField]) -> None:
    """Post back what the page shows through autosave, Save and Submit: nothing changes."""
    before = [_state(field) for field in fields]
    form = browser_form(client, token)
    for field in fields:
        pairs = [(n, v) for n, v in form if n in (f"f-{field.id}", f"base-{field.id}")]
        response = _post(client, f"/c/{token}/fields/{field.id}", pairs)
        assert response.status_code == 200, response.get_json()
    assert [_state(field) for field in fields] == before
    # "submit" with questions open asks first (200); "submit_anyway" submits all the same.
    for action in ("save", "submit", "submit_anyway"):
        response = _post(client, f"/c/{token}", [*browser_form(client, token), ("action", action)])
        assert response.status_code in ((200, 302) if action == "submit" else (302,))
        assert [_state(field) for field in fields] == before, action


def _autosave(client, token, brief, fields, text) -> None:
    for field in fields:
        response = _post(client, f"/c/{token}/fields/{field.id}", [(f"f-{field.id}", text)])
        expected = _expected(field.type, text)
        assert response.status_code == (200 if expected is not None else 422), repr(text)
        assert _state(field)[0] == (expected or ""), repr(text)


def _save(client, token, brief, fields, text) -> None:
    pairs = [("seen", str(field.id)) for field in fields]
    pairs += [(f"f-{field.id}", text) for field in fields]
    response = _post(client, f"/c/{token}", [*pairs, ("action", "save")])
    refused = [field for field in fields if _expected(field.type, text) is None]
    assert response.status_code == (422 if refused else 302), repr(text)
    for field in fields:
        assert _state(field)[0] == (_expected(field.type, text) or ""), repr(text)


def _prefill_and_confirm(client, token, brief, fields, text) -> None:
    """The agency's prefill, confirmed by the client's Confirm button (a whole-form post)."""
    for field in fields:
        expected = _expected(field.type, text)
        response = _post(client, f"/briefs/{brief.id}/fields/{field.id}/prefill", [("value", text)])
        if not expected:
            assert response.status_code == 422, repr(text)
            continue
        assert response.status_code == 302
        assert _state(field) == (expected, 1), repr(text)
        form = browser_form(client, token)
        response = _post(client, f"/c/{token}", [*form, ("confirm", str(field.id))])
        assert response.status_code == 302
        assert field.answer_user_id is None
        assert _state(field) == (expected, 2), repr(text)


def _round_trip(client, user, template, texts: list[str]) -> None:
    for text in texts:
        brief, token = make_brief(template, user=user)
        by_key = fields_by_key(brief)
        for path, fill in zip(PATHS, (_autosave, _save, _prefill_and_confirm), strict=True):
            fill(client, token, brief, [by_key[f"short_{path}"], by_key[f"long_{path}"]], text)
        _resave_everywhere(client, token, list(by_key.values()))


@pytest.mark.parametrize("start", range(0, len(CORPUS), 17))
def test_every_path_stores_the_same_text_and_a_resave_changes_nothing(
    auth_client, user, round_trip_template, start
):
    _round_trip(auth_client, user, round_trip_template, CORPUS[start : start + 17])


@pytest.mark.stress
@pytest.mark.parametrize("start", range(0, len(MORE), 28))
def test_fragments_alone_and_at_either_end_survive_every_path(
    auth_client, user, round_trip_template, start
):
    _round_trip(auth_client, user, round_trip_template, MORE[start : start + 28])


def test_a_short_answer_keeps_its_words_when_the_line_break_goes(auth_client, user):
    brief, token = make_brief(user=user)
    name = fields_by_key(brief)["name"]
    auth_client.post(
        f"/briefs/{brief.id}/fields/{name.id}/prefill",
        data={"value": "Цена: от 5 000 ₽\r\nГарантия: 2 года"},
    )
    assert _state(name) == ("Цена: от 5 000 ₽ Гарантия: 2 года", 1)
    page = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    # The prefill form offers a single line for a short answer, as the client's form does.
    assert f'<input type="text" id="prefill-{name.id}" name="value"' in page
    assert f'<textarea id="prefill-{fields_by_key(brief)["what"].id}"' in page


def test_control_characters_are_removed_with_a_note(client, user):
    brief, token = make_brief(user=user)
    name = fields_by_key(brief)["name"]
    response = client.post(
        f"/c/{token}/fields/{name.id}", data={f"f-{name.id}": "Whiten\x00ing\x07"}
    )
    reply = response.get_json()
    assert response.status_code == 200 and reply["value"] == "Whitening"
    assert reply["note"] == (
        "Invisible control characters were taken out of this answer before saving."
    )
    clean = client.post(f"/c/{token}/fields/{name.id}", data={f"f-{name.id}": "Whitening"})
    assert clean.get_json()["note"] is None


def test_a_no_js_save_with_a_nul_in_one_field_saves_all_three(client, user):
    brief, token = make_brief(user=user)
    fields = fields_by_key(brief)
    name, what, who = fields["name"], fields["what"], fields["who"]
    data = {
        "seen": [str(name.id), str(what.id), str(who.id)],
        f"f-{name.id}": "Whitening",
        f"f-{what.id}": "Clean,\x00 then whiten",
        f"f-{who.id}": "Adults",
        "action": "save",
    }
    response = client.post(f"/c/{token}", data=data, follow_redirects=True)
    assert response.status_code == 200
    assert (name.value, what.value, who.value) == ("Whitening", "Clean, then whiten", "Adults")
    page = response.get_data(as_text=True)
    assert "Your answer to “What exactly is done” held invisible control characters" in page
    assert "Saved." in page
