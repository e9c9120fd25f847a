"""`make bench`: issue 11's table, each figure against a baseline measured in the same run.

Every row times A (the app) and B (its baseline) in interleaved pairs, at least three,
and prints the min and the median of each and their ratio next to the goal. Requests go
through Flask's test client in this process: the figures are what the app costs, without a
server's. The "served" rows (bench/served.py) run the app and the bare app each under
gunicorn, two sync workers, over HTTP, and read a worker's memory after the dashboard.
`--quick` uses 2,000 briefs instead of 10,000.

    .venv/bin/python bench/run.py [--quick] [--pairs N] [--only ROW ...]
"""

from __future__ import annotations

import argparse
import gzip
import logging
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# What a run logs (mail waiting without SMTP_URL) is not what the bench is about.
logging.getLogger("briefs").setLevel(logging.ERROR)

import same_work  # noqa: E402  (bench/same_work.py)
from flask import Flask, jsonify, render_template_string, request  # noqa: E402
from flask_sqlalchemy import SQLAlchemy  # noqa: E402
from sqlalchemy import event, func, insert, select  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402
from wtforms import Form, IntegerField, StringField, validators  # noqa: E402

from briefs import brief_summaries, create_app  # noqa: E402
from briefs.accounts import agency_settings, create_user  # noqa: E402
from briefs.client_form.filling import read_posted, save_posted  # noqa: E402
from briefs.extensions import db  # noqa: E402
from briefs.mail import send_due  # noqa: E402
from briefs.models import Brief, Client, Contact  # noqa: E402
from briefs.starters import install_starter  # noqa: E402
from briefs.workflow import Actor, create_brief, mark_sent, record_answers_saved  # noqa: E402

PASSWORD = "bench-password-1"
#: A Tuesday, 11:00 in Moscow: inside the clients' sending window.
NOW = datetime(2026, 11, 10, 8, 0, tzinfo=UTC)
#: Idle briefs went out yesterday (first reminder on Friday); due ones a week ago.
IDLE_SENT = NOW - timedelta(days=1)
DUE_SENT = NOW - timedelta(days=7)
LAUNCH = date(2027, 3, 1)
#: One brief in a hundred launches soon (at risk), so the daily digest has news to tell.
SOON = date(2026, 11, 20)


# -- building databases --------------------------------------------------------------


def make_app(path: Path):
    return create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "UPLOAD_FOLDER": str(path.parent / "uploads"),
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "SMTP_URL": "",
            "BASE_URL": "http://127.0.0.1:5000",
        }
    )


def answer_everything(brief: Brief, actor: Actor) -> None:
    """Answer every field as a client would (files aside), through the app's own checks."""
    values = {
        "short_text": "Отбеливание зубов за один визит",
        "long_text": "Мы работаем в центре города с 2009 года. " * 8,
        "number": "12000",
        "date": "2026-12-01",
        "email": "leads@clinic.example",
        "url": "https://clinic.example",
        "yes_no": "yes",
    }
    saved = []
    for section in brief.sections:
        for field in section.fields:
            if field.type in ("single_choice", "multiple_choice"):
                raw = MultiDict([(f"f-{field.id}", o) for o in field.options[:2]])
            elif field.type in values:
                raw = MultiDict({f"f-{field.id}": values[field.type]})
            else:
                continue
            if save_posted(field, read_posted(field, raw), actor=actor, now=IDLE_SENT) is True:
                saved.append(field)
    record_answers_saved(brief, saved, actor, IDLE_SENT)


def build(path: Path, open_briefs: int) -> dict:
    """A database with the Russian starter, one answered brief and `open_briefs` idle ones."""
    app = make_app(path)
    with app.app_context():
        db.create_all()
        settings = agency_settings()
        settings.name = "Пиксель"
        settings.timezone = "Europe/Moscow"
        settings.default_locale = "ru"
        user = create_user(email="owner@pixel.example", name="Owner", password=PASSWORD, now=NOW)
        template = install_starter("ru", NOW)
        client = Client(name="Клиника 0", timezone="Europe/Moscow", created_at=NOW)
        client.contacts.append(Contact(name="Иван", email="c0@client0.example", role="contact"))
        client.contacts.append(
            Contact(name="Дарья", email="d0@client0.example", role="decision_maker")
        )
        db.session.add_all([template, client])
        db.session.flush()
        actor = Actor.user(user)

        def sent(title: str) -> tuple[Brief, str]:
            """A brief of the starter for the clinic's contact, sent yesterday."""
            made, token = create_brief(
                template=template,
                client=client,
                title=title,
                locale="ru",
                recipients=[client.contacts[0]],
                launch_date=LAUNCH,
                work_days=5,
                actor=actor,
                now=IDLE_SENT,
                secret_key="bench",
            )
            mark_sent(made, actor, IDLE_SENT)
            return made, token

        brief, token = sent("Страница услуги")
        answer_everything(brief, Actor.client("Иван"))
        blank, _blank_token = sent("Пустой бриф")
        db.session.commit()
        clone(blank.id, open_briefs - 3 - len(OWN_BRIEFS), sent_at=IDLE_SENT, first_client=1)
        # The autosave rows type into a brief of their own: the blank one stays blank for
        # send-due's row to copy (saves are stamped with the real clock, after NOW, and
        # copies of an answered brief would look answered "later", with nothing due).
        typed, typed_token = sent("Бриф для автосохранения")
        # And, for the served diagnostic row, clients typing at once each in their own brief.
        own = [sent(title) for title in OWN_BRIEFS]
        db.session.commit()
        return {
            "token": token,
            "typed_token": typed_token,
            "field_id": _texts(typed)[0].id,
            "text_field_ids": [f.id for f in _texts(typed)],
            "own_saves": [(own_token, _texts(made)[0].id) for made, own_token in own],
        }


#: The briefs the served rows' clients type into, one each, when not all in one.
OWN_BRIEFS = tuple(f"Бриф клиента {n} для автосохранения" for n in range(1, 5))


def _texts(brief: Brief) -> list:
    """The brief's text questions, in order: what an autosave row types into."""
    return [f for s in brief.sections for f in s.fields if f.type in ("short_text", "long_text")]


def clone(brief_id: int, copies: int, *, sent_at: datetime, first_client: int) -> None:
    """Copy a sent brief `copies` times in bulk, ten briefs per client, each client its own."""
    tables = db.metadata.tables
    brief_t, section_t, field_t = tables["brief"], tables["brief_section"], tables["brief_field"]
    event_t, client_t, contact_t = tables["event"], tables["client"], tables["contact"]
    recipient_t = tables["brief_recipient"]
    conn = db.session.connection()
    base = dict(conn.execute(select(brief_t).where(brief_t.c.id == brief_id)).mappings().one())
    sections = [
        dict(r)
        for r in conn.execute(select(section_t).where(section_t.c.brief_id == brief_id)).mappings()
    ]
    fields = [
        dict(r)
        for r in conn.execute(select(field_t).where(field_t.c.brief_id == brief_id)).mappings()
    ]
    sent_event = dict(
        conn.execute(
            select(event_t).where(event_t.c.brief_id == brief_id, event_t.c.kind == "brief_sent")
        )
        .mappings()
        .one()
    )

    def next_id(table) -> int:
        return (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1

    brief_id0, section_id0, field_id0 = next_id(brief_t), next_id(section_t), next_id(field_t)
    event_id0, client_id0, contact_id0 = next_id(event_t), next_id(client_t), next_id(contact_t)
    clients = (copies + 9) // 10
    conn.execute(
        insert(client_t),
        [
            {
                "id": client_id0 + n,
                "name": f"Клиника {first_client + n}",
                "timezone": "Europe/Moscow",
                "notes": "",
                "created_at": NOW,
                "weekly_digest": False,
            }
            for n in range(clients)
        ],
    )
    contacts = []
    for n in range(clients):
        k = first_client + n
        contacts.append(
            {
                "id": contact_id0 + 2 * n,
                "client_id": client_id0 + n,
                "name": "Иван",
                "email": f"c{k}@client{k}.example",
                "role": "contact",
            }
        )
        contacts.append(
            {
                "id": contact_id0 + 2 * n + 1,
                "client_id": client_id0 + n,
                "name": "Дарья",
                "email": f"d{k}@client{k}.example",
                "role": "decision_maker",
            }
        )
    conn.execute(insert(contact_t), contacts)
    section_map = {s["id"]: i for i, s in enumerate(sections)}
    chunk = 500
    for start in range(0, copies, chunk):
        briefs, secs, flds, events, recipients = [], [], [], [], []
        for n in range(start, min(start + chunk, copies)):
            new_id = brief_id0 + n
            row = {
                **base,
                "id": new_id,
                "client_id": client_id0 + n // 10,
                "title": f"Страница услуги {n}",
                "token_hash": None,
                "token_sealed": None,
                "status_token_hash": None,
                "status_token_sealed": None,
                "sent_at": sent_at,
                "next_due_at": None,
                "launch_date": SOON if n % 100 == 50 else base["launch_date"],
            }
            briefs.append(row)
            recipients.append({"brief_id": new_id, "contact_id": contact_id0 + 2 * (n // 10)})
            for i, s in enumerate(sections):
                secs.append({**s, "id": section_id0 + n * len(sections) + i, "brief_id": new_id})
            for i, f in enumerate(fields):
                flds.append(
                    {
                        **f,
                        "id": field_id0 + n * len(fields) + i,
                        "brief_id": new_id,
                        "section_id": section_id0
                        + n * len(sections)
                        + section_map[f["section_id"]],
                    }
                )
            events.append(
                {
                    **sent_event,
                    "id": event_id0 + n,
                    "brief_id": new_id,
                    "created_at": sent_at,
                    "hash": "",
                    "prev_hash": "",
                    # Outside the hash chain (as events written before it): seq is unique.
                    "seq": None,
                }
            )
        conn.execute(insert(brief_t), briefs)
        conn.execute(insert(section_t), secs)
        conn.execute(insert(field_t), flds)
        conn.execute(insert(event_t), events)
        conn.execute(insert(recipient_t), recipients)
    # Bulk inserts pass the session by: count the copies' stored summaries as the migration
    # counted existing briefs'.
    brief_summaries.refresh(range(brief_id0, brief_id0 + copies))
    db.session.commit()


# -- the bare baselines --------------------------------------------------------------


def bare_page_app(size: int) -> Flask:
    """A bare Flask app rendering a WTForms form padded to `size` bytes."""

    class BareForm(Form):
        name = StringField("Name", [validators.Length(max=200)])
        story = StringField("Story")

    app = Flask("bare_page")
    page = (
        "<!doctype html><html><body><form method=post>{{ form.name.label }} {{ form.name }}"
        "{{ form.story.label }} {{ form.story }}<p>{{ pad }}</p></form></body></html>"
    )
    with app.test_request_context():
        empty = render_template_string(page, form=BareForm(), pad="")
    pad = "x" * max(size - len(empty.encode()), 0)

    @app.get("/")
    def index():
        return render_template_string(page, form=BareForm(), pad=pad)

    return app


def bare_write_app(path: Path) -> Flask:
    """A bare Flask-SQLAlchemy app: one validated form field written to one row."""
    app = Flask("bare_write")
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    bare = SQLAlchemy(app)

    class Row(bare.Model):
        id = bare.Column(bare.Integer, primary_key=True)
        value = bare.Column(bare.Text, default="")
        revision = bare.Column(bare.Integer, default=0)

    class WriteForm(Form):
        value = StringField("Value", [validators.Length(max=2000)])
        base = IntegerField("Base", [validators.Optional()])

    @app.post("/rows/<int:row_id>")
    def write(row_id: int):
        form = WriteForm(request.form)
        if not form.validate():
            return jsonify(ok=False, errors=form.errors), 422
        row = bare.session.get(Row, row_id)
        row.value = form.value.data
        row.revision += 1
        bare.session.commit()
        return jsonify(ok=True, revision=row.revision, value=row.value)

    with app.app_context():
        bare.create_all()
        if bare.session.get(Row, 1) is None:  # gunicorn's workers share one database
            bare.session.add(Row(id=1))
            bare.session.commit()
    return app


# -- timing --------------------------------------------------------------------------


def pairs(a: Callable[[], object], b: Callable[[], object], count: int) -> tuple[list, list]:
    """Time A then B, `count` times interleaved; return the seconds of each."""
    times_a, times_b = [], []
    for _ in range(count):
        for fn, out in ((a, times_a), (b, times_b)):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return times_a, times_b


def repeat(fn: Callable[[], object], seconds: float = 0.3) -> Callable[[], float]:
    """Make a quick call into a timed batch: calls per batch chosen once, a mean per call."""
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < seconds or calls < 3:
        fn()
        calls += 1

    def batch() -> None:
        for _ in range(calls):
            fn()

    batch.calls = calls  # type: ignore[attr-defined]
    return batch


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def report(
    what: str,
    a: list[float],
    b: list[float],
    *,
    per: tuple[int, int] = (1, 1),
    ratio: str,
    goal: str,
    note: str = "",
) -> None:
    """Print one row: A and B per call (min, median), and the ratio as the goal reads it."""
    a = [t / per[0] for t in a]
    b = [t / per[1] for t in b]
    if ratio == "b/a":  # how fast against the bare baseline (higher is better)
        value = min(b) / min(a)
        median = statistics.median(b) / statistics.median(a)
    else:  # a/b: how much slower the big case is (lower is better)
        value = min(a) / min(b)
        median = statistics.median(a) / statistics.median(b)
    print(f"\n{what}")
    print(f"  A min {ms(min(a))}, median {ms(statistics.median(a))}")
    print(f"  B min {ms(min(b))}, median {ms(statistics.median(b))}")
    print(f"  ratio {value:.2f}× (min), {median:.2f}× (median); goal {goal} {note}".rstrip())


class Counter:
    """Count the SQL statements an engine sends."""

    def __init__(self, engine) -> None:
        self.count = 0
        self.engine = engine

    def __call__(self, *args) -> None:
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self)


# -- rows ----------------------------------------------------------------------------


def signed_in(app):
    client = app.test_client()
    client.post("/login", data={"email": "owner@pixel.example", "password": PASSWORD})
    assert client.get("/").status_code == 200, "could not sign in"
    return client


def row_client_page(big_app, facts, count: int) -> None:
    client = big_app.test_client()
    url = f"/c/{facts['token']}"
    size = len(client.get(url).data)
    bare = bare_page_app(size).test_client()
    a = repeat(lambda: client.get(url))
    b = repeat(lambda: bare.get("/"))
    ta, tb = pairs(a, b, count)
    report(
        f"Client page GET ({size:,} bytes) vs a bare Flask+WTForms page of that size",
        ta,
        tb,
        per=(a.calls, b.calls),
        ratio="b/a",
        goal="≥ 0.3× now, 0.5× the aim",
        note=f"(A {a.calls} and B {b.calls} requests per timing)",
    )


def row_autosave(big_app, facts, tmp: Path, count: int) -> None:
    client = big_app.test_client()
    url = f"/c/{facts['typed_token']}/fields/{facts['field_id']}"
    key = f"f-{facts['field_id']}"
    state = {"revision": None, "n": 0}

    def save() -> None:
        state["n"] += 1
        data = {key: f"Ответ номер {state['n']}"}
        if state["revision"] is not None:
            data[f"base-{facts['field_id']}"] = str(state["revision"])
        reply = client.post(url, data=data, headers={"Accept": "application/json"})
        state["revision"] = reply.get_json()["revision"]

    bare = bare_write_app(tmp / "bare.sqlite").test_client()
    bare_state = {"n": 0}

    def bare_save() -> None:
        bare_state["n"] += 1
        reply = bare.post("/rows/1", data={"value": f"Ответ номер {bare_state['n']}"})
        assert reply.status_code == 200

    a, b = repeat(save), repeat(bare_save)
    ta, tb = pairs(a, b, count)
    report(
        "Autosave POST vs a bare validated one-row write (Flask-SQLAlchemy)",
        ta,
        tb,
        per=(a.calls, b.calls),
        ratio="b/a",
        goal="≥ 0.5×",
        note=f"(A {a.calls} and B {b.calls} saves per timing)",
    )
    # Diagnostic: the same durable writes done bare, to tell their cost from ours.
    same = same_work.same_work_app(tmp / "same_work.sqlite").test_client()
    same_url = f"/c/{same_work.TOKEN}/fields/{same_work.FIELD_ID}"
    same_state = {"n": 0}

    def same_save() -> None:
        same_state["n"] += 1
        reply = same.post(same_url, data={"value": f"Ответ номер {same_state['n']}"})
        assert reply.status_code == 200

    c = repeat(same_save)
    ta, tc = pairs(a, c, count)
    report(
        "Autosave POST vs a bare app doing the same durable writes (revision, chained "
        "event, summary; bench/same_work.py)",
        ta,
        tc,
        per=(a.calls, c.calls),
        ratio="b/a",
        goal="none (tells the writes' cost from the code's)",
        note=f"(A {a.calls} and B {c.calls} saves per timing)",
    )


def row_pages(big_app, small_app, url: str, label: str, goal: str, count: int) -> None:
    big, small = signed_in(big_app), signed_in(small_app)
    with big_app.app_context(), Counter(db.engine) as big_q:
        big_page = big.get(url)
    with small_app.app_context(), Counter(db.engine) as small_q:
        small_page = small.get(url)
    ta, tb = pairs(lambda: big.get(url), lambda: small.get(url), count)
    sizes = f"{big_app.config['BENCH_OPEN']:,} vs {small_app.config['BENCH_OPEN']:,}"
    report(
        f"{label}: {url} at {sizes} open briefs",
        ta,
        tb,
        ratio="a/b",
        goal=goal,
        note=f"({big_q.count} vs {small_q.count} queries; "
        f"{len(big_page.data) // 1024:,} KB vs {len(small_page.data) // 1024:,} KB)",
    )


def row_weight(big_app, facts) -> None:
    client = big_app.test_client()
    url = f"/c/{facts['token']}"
    plain = client.get(url)
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    served = len(zipped.data)
    encoding = zipped.headers.get("Content-Encoding", "none")
    raw = len(plain.data) if plain.headers.get("Content-Encoding") is None else None
    print("\nClient page weight, fully answered")
    print(
        f"  uncompressed {raw / 1024 if raw else float('nan'):,.1f} KB; served with "
        f"Accept-Encoding gzip: {served / 1024:,.1f} KB ({encoding})"
    )
    if raw:
        ours = len(gzip.compress(plain.data)) / 1024
        print(f"  gzip by this script for comparison: {ours:,.1f} KB;")
        print(f"  served / 100 KB = {served / 102400:.2f}× (goal ≤ 1×, compressed)")


def prepare_send_due(path: Path, snapshot: Path, due: int) -> None:
    """The runs a minute before (digest, risk alerts, every brief judged), then 100 due briefs."""
    app = make_app(path)
    with app.app_context():
        # Two runs, as cron makes them: the second looks again at what the first mailed.
        send_due.run(NOW - timedelta(minutes=2))
        send_due.run(NOW - timedelta(minutes=1))
        blank = db.session.scalar(select(Brief).where(Brief.title == "Пустой бриф"))
        clone(blank.id, due, sent_at=DUE_SENT, first_client=900_000)
        db.session.remove()
        db.engine.dispose()
    copy_database(path, snapshot)


def copy_database(source: Path, target: Path) -> None:
    """Copy a SQLite database as committed, write-ahead log included (the backup API)."""
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def row_send_due(
    big: Path, small: Path, tmp: Path, count: int, idle_big: int, idle_small: int
) -> None:
    snaps = {"big": tmp / "big-snap.sqlite", "small": tmp / "small-snap.sqlite"}
    prepare_send_due(big, snaps["big"], 100)
    prepare_send_due(small, snaps["small"], 100)
    queries: dict[str, int] = {}
    queued: dict[str, int] = {}

    def runner(which: str, dry_run: bool) -> Callable[[], None]:
        work = tmp / f"{which}-run.sqlite"

        def fresh() -> None:
            copy_database(snaps[which], work)

        def go() -> None:
            app = make_app(work)
            with app.app_context():
                with Counter(db.engine) as counter:
                    start = time.perf_counter()
                    result = send_due.run(NOW, dry_run=dry_run)
                    elapsed = time.perf_counter() - start
                db.session.remove()
                db.engine.dispose()
            queries[which] = counter.count
            queued[which] = len(result.planned if dry_run else result.queued)
            go.elapsed = elapsed  # type: ignore[attr-defined]

        go.fresh = fresh  # type: ignore[attr-defined]
        return go

    for dry_run in (True, False):
        big_run, small_run = runner("big", dry_run), runner("small", dry_run)
        times = {"big": [], "small": []}
        for _ in range(count):
            for name, fn in (("big", big_run), ("small", small_run)):
                fn.fresh()
                fn()
                times[name].append(fn.elapsed)
        kind = "dry-run" if dry_run else "real run"
        mails = "planned" if dry_run else "queued"
        report(
            f"send-due {kind}: 100 due + {idle_big:,} idle vs 100 due + {idle_small:,} idle",
            times["big"],
            times["small"],
            ratio="a/b",
            goal="≤ 2 s, queries independent of idle briefs",
            note=f"({queries['big']} vs {queries['small']} queries; "
            f"{queued['big']} vs {queued['small']} mails {mails})",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 briefs instead of 10,000")
    parser.add_argument("--pairs", type=int, default=3, help="A/B pairs per row (at least 3)")
    parser.add_argument(
        "--only",
        nargs="*",
        default=None,
        help="rows: page autosave dashboard clients weight send-due served",
    )
    args = parser.parse_args()
    count = max(args.pairs, 3)
    big_n, small_n = (2_000 if args.quick else 10_000), 100
    rows = set(
        args.only or ["page", "autosave", "dashboard", "clients", "weight", "send-due", "served"]
    )
    tmp = Path(tempfile.mkdtemp(prefix="briefs-bench-"))
    try:
        print(f"Building databases: {big_n:,} and {small_n} open briefs (SQLite in {tmp}) …")
        start = time.perf_counter()
        big_path, small_path = tmp / "big.sqlite", tmp / "small.sqlite"
        facts = build(big_path, big_n)
        build(small_path, small_n)
        print(f"  built in {time.perf_counter() - start:.0f} s. In process, through Flask's test")
        print(f"  client, then under gunicorn over HTTP (last rows). Pairs per row: {count}.")
        big_app, small_app = make_app(big_path), make_app(small_path)
        big_app.config["BENCH_OPEN"], small_app.config["BENCH_OPEN"] = big_n, small_n
        if "page" in rows:
            with big_app.app_context():
                row_client_page(big_app, facts, count)
        if "autosave" in rows:
            row_autosave(big_app, facts, tmp, count)
        if "dashboard" in rows:
            row_pages(big_app, small_app, "/", "Dashboard", "same query count, ratio ≤ 1.5", count)
        if "clients" in rows:
            row_pages(big_app, small_app, "/clients/", "Client list", "≤ 50 ms at 10,000", count)
        if "weight" in rows:
            row_weight(big_app, facts)
        if "send-due" in rows:
            row_send_due(big_path, small_path, tmp, count, big_n, small_n)
        if "served" in rows:
            # Last: its saves are stamped with the real clock, after the bench's NOW, and
            # briefs send-due copies from the blank one would look answered "later".
            import served  # bench/served.py

            served.rows_served(big_path, facts, tmp, count, report, PASSWORD, args.quick)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
