"""Delivering one stored message over SMTP, configured by SMTP_URL."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.base64mime import header_encode
from email.header import Header, decode_header, make_header
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, getaddresses, parseaddr
from urllib.parse import unquote, urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: A display name up to this many UTF-8 bytes goes out as one encoded word (its line
#: stays under SMTP's 998 characters).
NAME_IN_ONE_WORD = 600
#: Headers written here go out exactly as written, not folded again by the policy.
WIRE = policy.default.clone(refold_source="none")


class MailConfigError(ValueError):
    """SMTP_URL cannot be used."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to deliver: smtp:// uses STARTTLS when offered, smtps:// implicit TLS."""

    host: str
    port: int
    implicit_tls: bool
    username: str = ""
    password: str = ""
    timeout: float = 20.0


def parse_smtp_url(url: str | None) -> SmtpSettings | None:
    """Read SMTP_URL; None or "" means mail stays in the outbox."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailConfigError("SMTP_URL must look like smtp://user:pass@host:587 or smtps://…")
    implicit = parts.scheme == "smtps"
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or (465 if implicit else 587),
        implicit_tls=implicit,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


@dataclass(frozen=True)
class Outgoing:
    """What goes on the wire for one message."""

    sender: str
    to: list[str]
    cc: list[str]
    reply_to: str
    subject: str
    text: str
    html: str
    message_id: str
    date: datetime


def _encoded(name: str, text: str) -> str:
    """Encode a non-ASCII header text as short encoded words, every space kept inside them.

    The default policy folds long non-ASCII text between encoded words and puts a space
    there, where readers must ignore it («Страницауслуги», «Мос ква»). Header keeps every
    space inside an encoded word; the lines it makes are short, so they go out as they are.
    """
    return Header(text, "utf-8", header_name=name).encode(linesep="\n")


def _addresses(name: str, values: list[str]) -> str:
    """Write an address header: ASCII names quoted as needed, others as encoded words."""
    parts = []
    for display, address in getaddresses(values):
        if "=?" in display:  # already encoded, e.g. by formataddr
            display = str(make_header(decode_header(display)))
        if not display:
            parts.append(address)
        elif display.isascii():
            parts.append(formataddr((display, address)))
        elif len(display.encode()) <= NAME_IN_ONE_WORD:
            # One encoded word, even past RFC 2047's 75 characters: readers disagree on the
            # space between two encoded words in a name (Python's own parser keeps it,
            # «Мос ква»), and every reader takes a long word whole.
            parts.append(f"{header_encode(display, 'utf-8')}\n <{address}>")
        else:
            parts.append(f"{_encoded(name if not parts else '', display)}\n <{address}>")
    return ",\n ".join(parts)


def build_email(outgoing: Outgoing) -> EmailMessage:
    """Build a multipart/alternative e-mail with plain text and HTML bodies."""
    mail = EmailMessage(policy=WIRE)
    mail.set_raw("From", _addresses("From", [outgoing.sender]))
    mail.set_raw("To", _addresses("To", outgoing.to))
    if outgoing.cc:
        mail.set_raw("Cc", _addresses("Cc", outgoing.cc))
    if outgoing.reply_to:
        mail.set_raw("Reply-To", _addresses("Reply-To", [outgoing.reply_to]))
    # A header is one line: a line break in a title must not start another header.
    subject = " ".join(outgoing.subject.split())
    if subject.isascii() and "=?" not in subject:
        mail["Subject"] = subject
    else:
        mail.set_raw("Subject", _encoded("Subject", subject))
    mail["Message-ID"] = outgoing.message_id
    mail["Date"] = format_datetime(outgoing.date)
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(outgoing.text)
    mail.add_alternative(outgoing.html, subtype="html")
    return mail


def send(settings: SmtpSettings, outgoing: Outgoing) -> None:
    """Deliver over SMTP; raise smtplib.SMTPException or OSError on failure."""
    mail = build_email(outgoing)
    context = ssl.create_default_context()
    if settings.implicit_tls:
        connection = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with connection as smtp:
        smtp.ehlo()
        if not settings.implicit_tls and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        elif not settings.implicit_tls and settings.username and settings.host not in LOOPBACK:
            # Never send a password in clear text to another machine.
            raise smtplib.SMTPException("the server does not offer STARTTLS; refusing to log in")
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(mail, to_addrs=[*outgoing.to, *outgoing.cc])


def sender_address(mail_from: str, agency_name: str) -> str:
    """Show the agency's name on the From line, keeping MAIL_FROM's address."""
    name, address = parseaddr(mail_from)
    return formataddr((name or agency_name or "Briefs", address))
