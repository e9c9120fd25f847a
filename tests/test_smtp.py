"""What goes on the wire: every subject and name parses back exactly, with two parsers."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.generator import BytesGenerator
from email.header import decode_header, make_header
from email.utils import formataddr, getaddresses
from pathlib import Path

import pytest

from briefs.mail.smtp import Outgoing, build_email, sender_address

GOLDEN_EMAIL = Path(__file__).parent / "golden" / "email"


def golden_subjects() -> list[str]:
    """Every subject of the golden e-mails (each .txt golden starts with its Subject line)."""
    subjects = []
    for path in sorted(GOLDEN_EMAIL.glob("*.txt")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("Subject: "), path
        subjects.append(first.removeprefix("Subject: "))
    return subjects


ODD_SUBJECTS = [
    "Ж" * 200,
    ("Страница услуги «Профессиональное отбеливание зубов» " * 5).strip(),
    "Статус брифа «Страница услуги «Профессиональное отбеливание зубов»»",
    "Brief “Teeth whitening” — 3 questions left 🦷✨ (and 👩‍👩‍👧 too)",
    "«Кавычки» „немецкие“ 'single' \"double\" and a = sign, ?= and =?utf-8?q?x?=",
    "A title\nwith a line break attempt\r\nBcc: victim@example.com",
    "  leading and trailing spaces, double  space  ",
    "Tab\tinside and a very long English subject " + "word " * 40,
    "Plain ASCII that looks encoded: =?utf-8?q?x?= and =?",
    "Mixed: Клиника «Белый зуб» and Acme Dental, 100% ready; next: 12:00 (Moscow)",
]

NAMES = [
    ("Пиксель и Ко", "team@agency.example"),
    ('Pixel & Co, "the agency"', "team@agency.example"),
    ("Ирина Петрова-Сидорова (директор) 🦷 " + "Я" * 60, "irina@client.example"),
    ("O'Brien, Pat", "pat@client.example"),
]


def wire(subject: str, sender: str, to: list[str]) -> bytes:
    """Return the bytes smtplib sends for a message built by the app's builder."""
    mail = build_email(
        Outgoing(
            sender=sender,
            to=to,
            cc=[],
            reply_to="",
            subject=subject,
            text="Hello\n",
            html="<p>Hello</p>\n",
            message_id="<1@agency.example>",
            date=datetime(2026, 11, 29, 11, 0, tzinfo=UTC),
        )
    )
    # As smtplib.send_message does for a server without SMTPUTF8.
    out = io.BytesIO()
    BytesGenerator(out).flatten(mail, linesep="\r\n")
    return out.getvalue()


def written(subject: str) -> str:
    """What a subject reads as: a header is one line, its spaces single."""
    return " ".join(subject.split())


def compat32_header(raw: bytes, name: str) -> str:
    """Read a header's raw value with the older parser, unfolded as RFC 5322 says."""
    value = message_from_bytes(raw, policy=policy.compat32)[name]
    return value.replace("\r\n", "").replace("\n", "")


def compat32_subject(raw: bytes) -> str:
    """Decode the subject's encoded words with the older decoder, independently."""
    return str(make_header(decode_header(compat32_header(raw, "Subject"))))


def compat32_addresses(raw: bytes, name: str) -> list[tuple[str, str]]:
    """Split an address header first, then decode each display name."""
    return [
        (str(make_header(decode_header(display))), address)
        for display, address in getaddresses([compat32_header(raw, name)])
    ]


def test_golden_subjects_are_found():
    subjects = golden_subjects()
    assert len(subjects) >= 16 and any("Страница" in s for s in subjects)


@pytest.mark.parametrize("subject", golden_subjects() + ODD_SUBJECTS)
def test_it_gives_back_the_exact_subject(subject):
    raw = wire(subject, "Briefs <team@agency.example>", ["ivan@client.example"])
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert b"\r\nBcc:" not in raw
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == written(subject)
    assert compat32_subject(raw) == written(subject)
    assert parsed.get_content_type() == "multipart/alternative"


@pytest.mark.parametrize("name, address", NAMES)
def test_it_keeps_from_and_to_names(name, address):
    sender = sender_address(formataddr((name, address)), "ignored")
    to = formataddr((name, "ivan@client.example"))
    raw = wire("Бриф", sender, [to, "plain@client.example"])
    parsed = message_from_bytes(raw, policy=policy.default)
    assert [(a.display_name, a.addr_spec) for a in parsed["From"].addresses] == [(name, address)]
    assert [(a.display_name, a.addr_spec) for a in parsed["To"].addresses] == [
        (name, "ivan@client.example"),
        ("", "plain@client.example"),
    ]
    assert compat32_addresses(raw, "From") == [(name, address)]
    assert compat32_addresses(raw, "To") == [
        (name, "ivan@client.example"),
        ("", "plain@client.example"),
    ]


def test_the_agency_name_is_the_sender_when_mail_from_has_none():
    sender = sender_address("team@agency.example", "Агентство «Пиксель», Москва")
    parsed = message_from_bytes(wire("x", sender, ["a@b.example"]), policy=policy.default)
    [address] = parsed["From"].addresses
    assert address.display_name == "Агентство «Пиксель», Москва"
