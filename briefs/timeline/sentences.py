"""Each event as one plain, neutral sentence in the current language.

A sentence is a translated template plus its values (see timeline_report.Sentence), so
pages escape the values as HTML and the export as Markdown. Fields are named by label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from babel.dates import format_datetime
from flask_babel import format_date, get_locale, get_translations, lazy_gettext

from briefs.formatting import local_date
from briefs.labels import LANGUAGE_LABELS, MESSAGE_KIND_LABELS
from briefs.rules.promises import KEPT, NOT_KEPT, Promise, read_promise
from briefs.rules.timeline_report import Sentence

#: Names at most this many questions in a line, then "and N more".
NAMES_SHOWN = 5

#: Saves by one person within this span of their first one are told as one line.
SAVE_RUN = timedelta(hours=1)

CHANNELS = ("call", "messenger", "email", "meeting", "other")

CHANNEL_LABELS = {
    "call": lazy_gettext("Call"),
    "messenger": lazy_gettext("Messenger"),
    "email": lazy_gettext("E-mail"),
    "meeting": lazy_gettext("Meeting"),
    "other": lazy_gettext("Other"),
}


def _(text: str) -> str:
    """Translate a sentence template without filling it (the Sentence fills it)."""
    return get_translations().ugettext(text)


def ngettext(singular: str, plural: str, num: int) -> str:
    """Pick and translate the plural form of a template without filling it."""
    return get_translations().ungettext(singular, plural, num)


@dataclass(frozen=True)
class Context:
    """What names the things events mention: field labels and the client's people."""

    labels_by_key: dict[str, str] = field(default_factory=dict)
    labels_by_id: dict[int, str] = field(default_factory=dict)
    #: Contact names and roles by e-mail, to say who a message went to.
    people: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: When each message was delivered, by message id: its queued line then says both times.
    delivered: dict[int, datetime] = field(default_factory=dict)
    #: The time zone those two times are said in.
    zone: tzinfo = UTC
    #: Whether each promise held (briefs.rules.promises), by the id of its entry.
    promises: dict[int, str] = field(default_factory=dict)
    #: Runs of saves told as one line (see `save_runs`): the questions each run's first
    #: save names for the whole run, by its event id; the later saves are folded into it.
    saves: dict[int, tuple[str, ...]] = field(default_factory=dict)
    folded_saves: frozenset[int] = frozenset()


def deliveries(events) -> dict[int, datetime]:
    """Return when each message queued among `events` was delivered, by message id.

    A timeline folds a message's delivery into its queued line, one line per message; a
    delivery whose queueing is not among the events, or that is not confirmed, keeps a
    line of its own.
    """
    queued = {(e.data or {}).get("message") for e in events if e.kind == "message_queued"}
    return {
        e.data["message"]: e.created_at
        for e in events
        if e.kind == "message_sent"
        and (e.data or {}).get("message") in queued
        and not e.data.get("unconfirmed")
    }


def save_runs(events) -> tuple[dict[int, tuple[str, ...]], frozenset[int]]:
    """Group consecutive saves by one person within `SAVE_RUN` of their first into runs.

    Return the questions each run touched (keys in first-touched order) by the id of the
    run's first save, and the ids of the later saves, which its line tells for them. Any
    other event in between ends a run, so the lines keep the order things happened in.
    """
    touched: dict[int, tuple[str, ...]] = {}
    later: set[int] = set()
    first = None
    keys: list[str] = []
    for event in events:
        if event.kind != "answer_saved":
            first = None
            continue
        mine = (event.data or {}).get("fields") or []
        if (
            first is not None
            and _same_person(first, event)
            # A save that hid or brought in questions says so on a line of its own.
            and not _changes_what_applies(event)
            and event.created_at - first.created_at <= SAVE_RUN
        ):
            later.add(event.id)
            keys.extend(key for key in mine if key not in keys)
            touched[first.id] = tuple(keys)
            continue
        first, keys = event, list(dict.fromkeys(mine))
    return touched, frozenset(later)


def _changes_what_applies(event) -> bool:
    data = event.data or {}
    return bool(data.get("hid") or data.get("shown"))


def _same_person(one, other) -> bool:
    return (one.actor_kind, one.actor_user_id, one.actor_label) == (
        other.actor_kind,
        other.actor_user_id,
        other.actor_label,
    )


def folded(event, ctx: Context) -> bool:
    """Say whether the event is told on another line: a delivery on its message's queued
    line, or a save on the line of the run of saves it belongs to."""
    if event.kind == "answer_saved":
        return event.id in ctx.folded_saves
    return event.kind == "message_sent" and (event.data or {}).get("message") in ctx.delivered


def _clock_time(moment: datetime, since: datetime, zone: tzinfo) -> str:
    """Say a time of day, with the date too when it is not the day of `since`."""
    local, start = moment.astimezone(zone), since.astimezone(zone)
    if local.date() == start.date():
        return local.strftime("%H:%M")
    return format_datetime(local, "d MMM, HH:mm", tzinfo=zone, locale=get_locale() or "en")


def names(labels: Sequence[str]) -> Sentence:
    """Name questions by label: “A”, “B”, “C” and 2 more."""
    if not labels:
        return Sentence(_("no question"))
    shown = list(labels[:NAMES_SHOWN])
    params: dict = {f"q{n}": label for n, label in enumerate(shown)}
    # The quotes are the language's own: “…” in English, «…» in Russian.
    quoted = _("“%(label)s”")
    template = ", ".join(quoted.replace("%(label)s", f"%(q{n})s") for n in range(len(shown)))
    if len(labels) > NAMES_SHOWN:
        extra = len(labels) - NAMES_SHOWN
        params["more"] = Sentence(
            ngettext("and %(num)d more", "and %(num)d more", extra), {"num": extra}
        )
        template += " %(more)s"
    return Sentence(template, params)


def _actor(event) -> str:
    if event.actor_label:
        return event.actor_label
    if event.actor_kind == "client":
        return _("Client")
    if event.actor_kind == "user":
        return _("The agency")
    return "Briefs"


def _recipients(addresses, ctx: Context) -> Sentence:
    """Name recipients by address; a decision-maker by name and role, as people say it."""
    if isinstance(addresses, str):
        addresses = [addresses]
    parts: list[Sentence] = []
    for address in addresses or []:
        person = ctx.people.get(str(address).lower())
        if person and person[1] == "decision_maker":
            parts.append(Sentence(_("%(name)s (decision-maker)"), {"name": person[0]}))
        else:
            parts.append(Sentence("%(address)s", {"address": address}))
    if not parts:
        return Sentence(_("nobody"))
    params = {f"p{n}": part for n, part in enumerate(parts)}
    return Sentence(", ".join(f"%(p{n})s" for n in range(len(parts))), params)


def _labels(keys, ctx: Context) -> list[str]:
    return [ctx.labels_by_key.get(key, key) for key in keys or []]


def _field(event, ctx: Context) -> str:
    return ctx.labels_by_id.get(event.field_id, _("a question"))


def _size(size) -> Sentence:
    size = int(size or 0)
    if size >= 1_000_000:
        return Sentence(_("%(num)s MB"), {"num": f"{size / 1_000_000:.1f}"})
    return Sentence(_("%(num)s kB"), {"num": str(max(1, round(size / 1000)))})


def sentence(event, ctx: Context) -> Sentence:
    """Say what one event records, in one sentence."""
    data = event.data or {}
    kind = event.kind
    actor = _actor(event)
    builder = _BUILDERS.get(kind)
    if builder is None:
        return Sentence(_("%(actor)s: %(kind)s"), {"actor": actor, "kind": kind})
    return builder(event, data, actor, ctx)


def _brief_created(event, data, actor, ctx):
    if data.get("template"):
        return Sentence(
            _("%(actor)s created the brief from the template “%(template)s”"),
            {"actor": actor, "template": data["template"]},
        )
    return Sentence(_("%(actor)s created the brief"), {"actor": actor})


def _brief_sent(event, data, actor, ctx):
    to = data.get("to") or []
    num = int(data.get("questions") or 0)
    params = {"actor": actor, "to": _recipients(to, ctx), "num": num}
    if not to:
        return Sentence(_("%(actor)s sent the link to the client"), {"actor": actor})
    if data.get("channel") == "email":
        return Sentence(
            ngettext(
                # Queued, not yet delivered: the message's own line says when it arrives.
                "%(actor)s queued the link for e-mail to %(to)s (%(num)d question)",
                "%(actor)s queued the link for e-mail to %(to)s (%(num)d questions)",
                num,
            ),
            params,
        )
    return Sentence(
        ngettext(
            "%(actor)s sent the link to %(to)s (%(num)d question)",
            "%(actor)s sent the link to %(to)s (%(num)d questions)",
            num,
        ),
        params,
    )


def _link_opened(event, data, actor, ctx):
    if event.actor_label:  # a recipient's own link
        return Sentence(_("%(actor)s opened the form"), {"actor": actor})
    return Sentence(_("The client link was opened"))


def _answer_saved(event, data, actor, ctx):
    keys = data.get("fields") or []
    num = int(data.get("count") or len(keys))
    if event.id in ctx.saves:  # the first of a run of saves: it names the whole run's
        keys = list(ctx.saves[event.id])
        num = len(keys)
    saved = Sentence(
        ngettext(
            "%(actor)s saved %(num)d answer: %(names)s",
            "%(actor)s saved %(num)d answers: %(names)s",
            num,
        ),
        {"actor": actor, "num": num, "names": names(_labels(keys, ctx))},
    )
    parts = {"saved": saved}
    hid, shown = data.get("hid") or [], data.get("shown") or []
    if hid:
        parts["hid"] = Sentence(
            ngettext(
                "%(num)d question no longer applies: %(names)s",
                "%(num)d questions no longer apply: %(names)s",
                len(hid),
            ),
            {"num": len(hid), "names": names(_labels(hid, ctx))},
        )
    if shown:
        parts["shown"] = Sentence(
            ngettext(
                "%(num)d question now applies: %(names)s",
                "%(num)d questions now apply: %(names)s",
                len(shown),
            ),
            {"num": len(shown), "names": names(_labels(shown, ctx))},
        )
    if len(parts) == 1:
        return saved
    # "Ivan saved 1 answer: “Place” — 1 question no longer applies: “Districts”"
    changes = [f"%({name})s" for name in ("hid", "shown") if name in parts]
    return Sentence(
        _("%(saved)s — %(changes)s"),
        {"saved": saved, "changes": Sentence("; ".join(changes), parts)},
    )


def _brief_submitted(event, data, actor, ctx):
    missing = data.get("missing") or []
    if missing:
        num = len(missing)
        return Sentence(
            ngettext(
                "%(actor)s submitted the brief with %(num)d question still missing: %(names)s",
                "%(actor)s submitted the brief with %(num)d questions still missing: %(names)s",
                num,
            ),
            {"actor": actor, "num": num, "names": names(_labels(missing, ctx))},
        )
    return Sentence(
        _("%(actor)s submitted the brief with every required question answered"),
        {"actor": actor},
    )


def _review_given(event, data, actor, ctx):
    params = {"actor": actor, "field": _field(event, ctx), "comment": data.get("comment") or ""}
    if data.get("verdict") == "accepted":
        return Sentence(_("%(actor)s accepted the answer to “%(field)s”"), params)
    if params["comment"]:
        return Sentence(_("%(actor)s asked for changes to “%(field)s”: %(comment)s"), params)
    return Sentence(_("%(actor)s asked for changes to “%(field)s”"), params)


def _simple(template):
    """Build sentences that only name the actor; `template` is a lazy translation."""

    def build(event, data, actor, ctx):
        return Sentence(str(template), {"actor": actor})

    return build


def _message_queued(event, data, actor, ctx):
    # Queued is what happened; its delivery is folded in when known (one line per message),
    # and a message_failed event keeps a line of its own.
    kind = data.get("message_kind")
    to = _recipients(data.get("to"), ctx)
    delivered = ctx.delivered.get(data.get("message"))
    if delivered is not None:
        return _message_delivered(event, data, to, delivered, ctx)
    if kind == "reminder":
        missing = data.get("missing") or []
        return Sentence(
            _("Reminder %(number)s to %(to)s queued; still missing: %(names)s"),
            {"number": data.get("number") or "", "to": to, "names": names(_labels(missing, ctx))},
        )
    if kind == "escalation":
        if data.get("limit"):
            return Sentence(
                _("A status for %(to)s queued: every planned reminder has gone out"), {"to": to}
            )
        if data.get("late"):
            return Sentence(
                _("A status for %(to)s queued: the answers are past their due date"), {"to": to}
            )
        return Sentence(_("A status for %(to)s queued"), {"to": to})
    what = str(MESSAGE_KIND_LABELS.get(kind, kind or ""))
    if data.get("cc"):
        return Sentence(
            _("%(what)s to %(to)s (copy to %(cc)s) queued"),
            {"what": what, "to": to, "cc": _recipients(data.get("cc"), ctx)},
        )
    return Sentence(_("%(what)s to %(to)s queued"), {"what": what, "to": to})


def _message_delivered(event, data, to, delivered: datetime, ctx: Context) -> Sentence:
    """Say a message's queueing and delivery in one sentence, with both times."""
    kind = data.get("message_kind")
    params = {
        "to": to,
        "queued": _clock_time(event.created_at, event.created_at, ctx.zone),
        "delivered": _clock_time(delivered, event.created_at, ctx.zone),
    }
    if kind == "reminder":
        params |= {
            "number": data.get("number") or "",
            "names": names(_labels(data.get("missing") or [], ctx)),
        }
        return Sentence(
            _(
                "Reminder %(number)s to %(to)s — queued %(queued)s, delivered %(delivered)s; "
                "still missing: %(names)s"
            ),
            params,
        )
    if kind == "escalation":
        if data.get("limit"):
            return Sentence(
                _(
                    "A status for %(to)s — queued %(queued)s, delivered %(delivered)s; "
                    "every planned reminder has gone out"
                ),
                params,
            )
        if data.get("late"):
            return Sentence(
                _(
                    "A status for %(to)s — queued %(queued)s, delivered %(delivered)s; "
                    "the answers are past their due date"
                ),
                params,
            )
        return Sentence(
            _("A status for %(to)s — queued %(queued)s, delivered %(delivered)s"), params
        )
    params["what"] = str(MESSAGE_KIND_LABELS.get(kind, kind or ""))
    if data.get("cc"):
        params["cc"] = _recipients(data.get("cc"), ctx)
        return Sentence(
            _("%(what)s to %(to)s (copy to %(cc)s) — queued %(queued)s, delivered %(delivered)s"),
            params,
        )
    return Sentence(_("%(what)s to %(to)s — queued %(queued)s, delivered %(delivered)s"), params)


def _message_sent(event, data, actor, ctx):
    what = str(MESSAGE_KIND_LABELS.get(data.get("message_kind"), data.get("message_kind") or ""))
    if data.get("unconfirmed"):
        return Sentence(
            _("%(what)s to %(to)s went to the mail server; delivery is not confirmed"),
            {"what": what, "to": _recipients(data.get("to"), ctx)},
        )
    return Sentence(
        _("%(what)s delivered to %(to)s"), {"what": what, "to": _recipients(data.get("to"), ctx)}
    )


def _message_failed(event, data, actor, ctx):
    what = str(MESSAGE_KIND_LABELS.get(data.get("message_kind"), data.get("message_kind") or ""))
    num = int(data.get("attempts") or 1)
    params = {"what": what, "num": num, "error": data.get("error") or ""}
    if data.get("final"):
        return Sentence(
            ngettext(
                "%(what)s could not be delivered after %(num)d attempt: %(error)s",
                "%(what)s could not be delivered after %(num)d attempts: %(error)s",
                num,
            ),
            params,
        )
    return Sentence(
        _("%(what)s not delivered yet (attempt %(num)d): %(error)s; it will be tried again"),
        params,
    )


def _message_cancelled(event, data, actor, ctx):
    what = str(MESSAGE_KIND_LABELS.get(data.get("message_kind"), data.get("message_kind") or ""))
    if data.get("batched_into"):
        return Sentence(
            _("%(what)s to %(to)s went out in one mail together with other briefs"),
            {"what": what, "to": _recipients(data.get("to"), ctx)},
        )
    return Sentence(
        _("%(what)s to %(to)s was not sent: it was no longer needed"),
        {"what": what, "to": _recipients(data.get("to"), ctx)},
    )


def _handover_done(event, data, actor, ctx):
    answered, total = int(data.get("answered") or 0), int(data.get("total") or 0)
    return Sentence(
        ngettext(
            "%(actor)s said they are done with their questions (%(answered)d of %(num)d answered)",
            "%(actor)s said they are done with their questions (%(answered)d of %(num)d answered)",
            total,
        ),
        {"actor": actor, "answered": answered, "num": total},
    )


def _contact_logged(event, data, actor, ctx):
    who = data.get("with_whom") or ""
    channel = data.get("channel")
    with_whom = {
        "call": (_("Call with %(who)s"), _("Call")),
        "messenger": (_("Messenger conversation with %(who)s"), _("Messenger conversation")),
        "email": (_("E-mail exchange with %(who)s"), _("E-mail exchange")),
        "meeting": (_("Meeting with %(who)s"), _("Meeting")),
    }.get(channel, (_("Contact with %(who)s"), _("Contact outside Briefs")))
    contact = Sentence(with_whom[0] if who else with_whom[1], {"who": who})
    note = data.get("note") or ""
    promise = read_promise(data, event.created_at)
    if promise is not None and note.endswith(".") and not note.endswith(".."):
        note = note[:-1]  # the promise follows after "; ", not after a full stop
    entry = Sentence(
        _("%(contact)s (added by hand by %(author)s): %(note)s"),
        {"contact": contact, "author": actor, "note": note},
    )
    if promise is None:
        return entry
    return Sentence(
        _("%(entry)s; %(promise)s"),
        {"entry": entry, "promise": _promise(promise, ctx.promises.get(event.id))},
    )


def _promise(promise: Promise, held: str | None) -> Sentence:
    """Say what was promised by when, and once judged, whether it held."""
    params = {"who": promise.by, "date": format_date(promise.due, "long")}
    if promise.by:
        said = {
            KEPT: _("%(who)s promised the answers by %(date)s: kept"),
            NOT_KEPT: _(
                "%(who)s promised the answers by %(date)s: not kept, "
                "not all of them had arrived by then"
            ),
        }.get(held, _("%(who)s promised the answers by %(date)s"))
    else:
        said = {
            KEPT: _("the answers were promised by %(date)s: kept"),
            NOT_KEPT: _(
                "the answers were promised by %(date)s: not kept, "
                "not all of them had arrived by then"
            ),
        }.get(held, _("the answers were promised by %(date)s"))
    return Sentence(said, params)


def _handed_over(event, data, actor, ctx):
    to = Sentence(
        _("%(name)s (%(email)s)") if data.get("to_email") else "%(name)s",
        {"name": data.get("to_name") or "", "email": data.get("to_email") or ""},
    )
    params = {
        "actor": actor,
        "to": to,
        "names": names(_labels(data.get("fields"), ctx)),
        "note": data.get("note") or "",
    }
    if params["note"]:
        return Sentence(_("%(actor)s handed %(names)s over to %(to)s: %(note)s"), params)
    return Sentence(_("%(actor)s handed %(names)s over to %(to)s"), params)


def _handover_refused(event, data, actor, ctx):
    return Sentence(
        _(
            "%(actor)s tried to hand questions over to %(email)s and was refused: the "
            "client's links had made %(num)s hand-overs in 24 hours, the limit (further "
            "tries that day are not listed)"
        ),
        {"actor": actor, "email": data.get("to_email") or "", "num": data.get("limit") or ""},
    )


def _handover_withdrawn(event, data, actor, ctx):
    return Sentence(
        _("%(actor)s took back the questions handed over to %(to)s"),
        {"actor": actor, "to": data.get("to_name") or ""},
    )


def _comment_added(event, data, actor, ctx):
    return Sentence(
        _("%(actor)s commented on “%(field)s”: %(body)s"),
        {"actor": actor, "field": _field(event, ctx), "body": data.get("body") or ""},
    )


def _comments_resolved(event, data, actor, ctx):
    return Sentence(
        _("%(actor)s marked the comments on “%(field)s” as resolved"),
        {"actor": actor, "field": _field(event, ctx)},
    )


def _file_uploaded(event, data, actor, ctx):
    return Sentence(
        _("%(actor)s uploaded “%(name)s” (%(size)s) to “%(field)s”"),
        {
            "actor": actor,
            "name": data.get("name") or "",
            "size": _size(data.get("size")),
            "field": _field(event, ctx),
        },
    )


def _file_removed(event, data, actor, ctx):
    return Sentence(
        _("%(actor)s removed the file “%(name)s” from “%(field)s”"),
        {"actor": actor, "name": data.get("name") or "", "field": _field(event, ctx)},
    )


def _people(people, ctx: Context) -> Sentence:
    """Name the people a detail held, as they were named then."""
    parts = [Sentence("%(name)s", {"name": p.get("name") or p.get("email") or ""}) for p in people]
    if not parts:
        return Sentence(_("no one"))
    params = {f"p{n}": part for n, part in enumerate(parts)}
    return Sentence(", ".join(f"%(p{n})s" for n in range(len(parts))), params)


def _day(value) -> str:
    try:
        return local_date(date.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value or "")


def _title_changed(event, data, actor, ctx):
    return Sentence(
        _("%(actor)s renamed the brief from “%(old)s” to “%(new)s”"),
        {"actor": actor, "old": data.get("old") or "", "new": data.get("new") or ""},
    )


def _launch_date_changed(event, data, actor, ctx):
    params = {"actor": actor, "old": _day(data.get("old")), "new": _day(data.get("new"))}
    if not data.get("old"):
        return Sentence(_("%(actor)s set the launch date to %(new)s"), params)
    if not data.get("new"):
        return Sentence(_("%(actor)s removed the launch date (it was %(old)s)"), params)
    return Sentence(_("%(actor)s moved the launch date from %(old)s to %(new)s"), params)


def _work_days_changed(event, data, actor, ctx):
    return Sentence(
        _("%(actor)s changed the agency's working days after the answers from %(old)d to %(new)d"),
        {"actor": actor, "old": int(data.get("old") or 0), "new": int(data.get("new") or 0)},
    )


def _recipients_changed(event, data, actor, ctx):
    return Sentence(
        _("%(actor)s changed who gets the brief from %(old)s to %(new)s"),
        {
            "actor": actor,
            "old": _people(data.get("old") or [], ctx),
            "new": _people(data.get("new") or [], ctx),
        },
    )


def _decision_maker_changed(event, data, actor, ctx):
    def person(value):
        if not value:
            return Sentence(_("every decision-maker at the client"))
        return _people([value], ctx)

    return Sentence(
        _("%(actor)s changed the brief's decision-maker from %(old)s to %(new)s"),
        {"actor": actor, "old": person(data.get("old")), "new": person(data.get("new"))},
    )


def _language_changed(event, data, actor, ctx):
    old, new = data.get("old") or "", data.get("new") or ""
    return Sentence(
        _("%(actor)s changed the brief's language from %(old)s to %(new)s"),
        {
            "actor": actor,
            "old": LANGUAGE_LABELS.get(old, old),
            "new": LANGUAGE_LABELS.get(new, new),
        },
    )


_BUILDERS = {
    "brief_created": _brief_created,
    "brief_sent": _brief_sent,
    "link_opened": _link_opened,
    "answer_saved": _answer_saved,
    "brief_submitted": _brief_submitted,
    "review_given": _review_given,
    "link_regenerated": _simple(
        lazy_gettext("%(actor)s made a new client link; the previous one stopped working")
    ),
    "brief_closed": _simple(lazy_gettext("%(actor)s closed the brief")),
    "brief_reopened": _simple(lazy_gettext("%(actor)s reopened the brief")),
    "message_queued": _message_queued,
    "message_sent": _message_sent,
    "message_failed": _message_failed,
    "message_cancelled": _message_cancelled,
    "handover_done": _handover_done,
    "contact_logged": _contact_logged,
    "handed_over": _handed_over,
    "handover_withdrawn": _handover_withdrawn,
    "handover_refused": _handover_refused,
    "comment_added": _comment_added,
    "comments_resolved": _comments_resolved,
    "file_uploaded": _file_uploaded,
    "file_removed": _file_removed,
    "title_changed": _title_changed,
    "launch_date_changed": _launch_date_changed,
    "work_days_changed": _work_days_changed,
    "recipients_changed": _recipients_changed,
    "decision_maker_changed": _decision_maker_changed,
    "language_changed": _language_changed,
}


def happened_at(event) -> datetime:
    """Return when the event happened: a hand-added contact's own time, else its record time."""
    if event.kind == "contact_logged":
        occurred = (event.data or {}).get("occurred_at")
        if occurred:
            try:
                moment = datetime.fromisoformat(occurred)
            except ValueError:
                return event.created_at
            if moment.tzinfo is not None:
                return moment
    return event.created_at
