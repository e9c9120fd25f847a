"""Delivering one stored message over SMTP, configured by SMTP_URL."""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.base64mime import header_encode
from email.generator import BytesGenerator
from email.header import Header, decode_header, make_header
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, getaddresses, parseaddr
from io import BytesIO
from urllib.parse import parse_qs, unquote, urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: A display name up to this many UTF-8 bytes goes out as one encoded word (its line
#: stays under SMTP's 998 characters).
NAME_IN_ONE_WORD = 600
#: Headers written here go out exactly as written, not folded again by the policy.
WIRE = policy.default.clone(refold_source="none")


class MailConfigError(ValueError):
    """SMTP_URL cannot be used."""


class NotSent(Exception):
    """The server surely did not take the message: it may be sent again."""


class MaybeSent(Exception):
    """The content went to the server and its answer never came: it may have been taken."""


class ClaimLost(NotSent):
    """The run no longer holds the message, so it stopped before sending the content."""


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
    # ?timeout=SECONDS: how long to wait for each answer of the server.
    timeout = parse_qs(parts.query).get("timeout", [""])[-1]
    try:
        seconds = float(timeout) if timeout else SmtpSettings.timeout
    except ValueError:
        raise MailConfigError("SMTP_URL: timeout must be a number of seconds") from None
    if not 0 < seconds <= 600:
        raise MailConfigError("SMTP_URL: timeout must be between 0 and 600 seconds")
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or (465 if implicit else 587),
        implicit_tls=implicit,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        timeout=seconds,
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


def send(
    settings: SmtpSettings, outgoing: Outgoing, before_data: Callable[[], bool] = lambda: True
) -> None:
    """Deliver over SMTP, or raise NotSent or MaybeSent.

    `before_data` is asked once the server has taken the envelope and just before the
    content is sent; False stops there (ClaimLost). Once the server has answered 250 to the
    content the message is delivered, whatever happens at QUIT.
    """
    mail = build_email(outgoing)
    try:
        smtp = _connect(settings)
    except (smtplib.SMTPException, OSError) as error:
        raise NotSent(_describe(error)) from error
    try:
        utf8 = _envelope(smtp, settings, outgoing)
        if not before_data():
            raise ClaimLost("another run took this message over")
        _data(smtp, mail, utf8)
    except (smtplib.SMTPException, OSError) as error:
        raise NotSent(_describe(error)) from error
    finally:
        _quit(smtp)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.implicit_tls:
        return smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=settings.timeout,
            context=ssl.create_default_context(),
        )
    return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)


def _envelope(smtp: smtplib.SMTP, settings: SmtpSettings, outgoing: Outgoing) -> bool:
    """Greet, secure, log in, and name the sender and every recipient; True for SMTPUTF8."""
    smtp.ehlo()
    if not settings.implicit_tls and smtp.has_extn("starttls"):
        smtp.starttls(context=ssl.create_default_context())
        smtp.ehlo()
    elif not settings.implicit_tls and settings.username and settings.host not in LOOPBACK:
        # Never send a password in clear text to another machine.
        raise smtplib.SMTPException("the server does not offer STARTTLS; refusing to log in")
    if settings.username:
        smtp.login(settings.username, settings.password)
    options = ["SMTPUTF8", "BODY=8BITMIME"] if _international(smtp, outgoing) else []
    code, reply = smtp.mail(parseaddr(outgoing.sender)[1], options)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, outgoing.sender)
    refused = {}
    for address in [*outgoing.to, *outgoing.cc]:
        code, reply = smtp.rcpt(address)
        if code not in (250, 251):
            refused[address] = (code, reply)
    if len(refused) == len(outgoing.to) + len(outgoing.cc):
        raise smtplib.SMTPRecipientsRefused(refused)
    return bool(options)


def _international(smtp: smtplib.SMTP, outgoing: Outgoing) -> bool:
    """Whether an address needs SMTPUTF8 (which the server must then offer)."""
    addresses = [parseaddr(outgoing.sender)[1], *outgoing.to, *outgoing.cc]
    if all(address.isascii() for address in addresses):
        return False
    if not smtp.has_extn("smtputf8"):
        raise smtplib.SMTPNotSupportedError("the server does not offer SMTPUTF8")
    return True


def _data(smtp: smtplib.SMTP, mail: EmailMessage, utf8: bool) -> None:
    """Send DATA and the content; after the content, no answer means MaybeSent."""
    code, reply = smtp.docmd("data")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    wire = BytesIO()
    BytesGenerator(wire, policy=WIRE.clone(utf8=True) if utf8 else WIRE).flatten(
        mail, linesep="\r\n"
    )
    # A line starting with a dot gets another one (RFC 5321 4.5.2).
    content = re.sub(rb"(?m)^\.", b"..", wire.getvalue())
    if not content.endswith(b"\r\n"):
        content += b"\r\n"
    try:
        smtp.send(content + b".\r\n")
        code, reply = smtp.getreply()
    except (smtplib.SMTPException, OSError) as error:
        # A dropped connection or a reply later than the timeout: it may have been taken.
        raise MaybeSent(_describe(error)) from error
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def _quit(smtp: smtplib.SMTP) -> None:
    """Say goodbye; what the server answers to it (421, nothing) changes nothing."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def sender_address(mail_from: str, agency_name: str) -> str:
    """Show the agency's name on the From line, keeping MAIL_FROM's address."""
    name, address = parseaddr(mail_from)
    return formataddr((name or agency_name or "Briefs", address))
