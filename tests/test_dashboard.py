"""The dashboard: open briefs, most stuck first, filters, empty states, a fixed query count."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from briefs.dashboard.board import build_row, count_line
from briefs.dashboard.filters import Filters, parse_filters
from briefs.extensions import db
from briefs.mail import send_due
from briefs.models import Brief, BriefField, Client, Template
from briefs.models.brief import ACCEPTED, CHANGES_REQUESTED
from briefs.workflow import Actor, close, mark_sent, review, save_answer, submit
from tests.factories import NOW, copy_briefs, make_brief, make_client, make_template

AGENCY = Actor("system", "Tests")
CLIENT = Actor.client("Ivan Contact")


# Let the dashboard's "for 4 days" be computed from the tests' fixed moment.
pytestmark = pytest.mark.usefixtures("frozen_clock")


def field_of(brief, key: str) -> BriefField:
    return db.session.scalar(
        select(BriefField).where(BriefField.brief_id == brief.id, BriefField.key == key)
    )


def answer(brief, key: str, value: str, when, *, not_applicable: bool = False) -> BriefField:
    field = field_of(brief, key)
    save_answer(field, value, not_applicable=not_applicable, actor=CLIENT, now=when)
    return field


def rows(body: str) -> list[str]:
    """Return each table row's HTML in page order."""
    return re.findall(r'<tr data-brief-id="\d+">.*?</tr>', body, flags=re.S)


def row_ids(body: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-brief-id="(\d+)">', body)]


def cell(row: str, label: str) -> str:
    """Return the text of a row's cell by its data-label, tags and extra spaces removed."""
    match = re.search(rf'<td data-label="{label}"[^>]*>(.*?)</td>', row, flags=re.S)
    assert match, f"no {label} cell in {row}"
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()))


def progress_text(row: str) -> str:
    match = re.search(r'<span class="progress-text"><span aria-hidden="true">([^<]*)<', row)
    assert match, row
    return match.group(1)


# Anonymous visitors and empty states


def test_anonymous_visitor_is_sent_to_login(client, user):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.location


def test_no_templates_offers_the_starter_template(auth_client):
    body = auth_client.get("/").get_data(as_text=True)
    assert "New service page" in body
    assert 'action="/templates/starters/en"' in body
    assert 'action="/templates/starters/ru"' in body
    assert body.count('name="csrf_token"') >= 3  # the two starter forms and sign-out
    assert "Русский" in body
    assert 'href="/briefs/new"' in body  # "New brief" is always at the top
    assert "<table" not in body


def test_templates_but_no_briefs_invites_the_first_brief(auth_client):
    make_template()
    body = auth_client.get("/").get_data(as_text=True)
    assert "Create your first brief" in body
    assert 'href="/briefs/new"' in body
    assert 'href="/clients/"' in body
    assert "/templates/starters/" not in body
    assert 'name="status"' not in body  # no filters while there is nothing to filter


def test_only_closed_briefs_says_nothing_is_open(auth_client):
    brief, _token = make_brief()
    close(brief, AGENCY, NOW)
    db.session.commit()
    body = auth_client.get("/").get_data(as_text=True)
    assert "There are no open briefs right now." in body
    assert 'href="/?status=closed"' in body
    assert rows(body) == []


def test_filters_matching_nothing_offer_to_clear_them(auth_client):
    make_brief()
    body = auth_client.get("/?status=submitted").get_data(as_text=True)
    assert "No briefs match these filters." in body
    assert re.search(r'<a href="/">Clear filters and show every open brief</a>', body)


# What each row shows


def test_progress_missing_and_whose_move_are_shown(auth_client):
    template = make_template()
    brief, _token = make_brief(template, now=NOW - timedelta(days=6))
    mark_sent(brief, AGENCY, NOW - timedelta(days=5))
    answer(brief, "name", "Whitening", NOW - timedelta(days=4))
    answer(brief, "channels", "Search\nAds", NOW - timedelta(days=4))
    answer(brief, "price", "1500", NOW - timedelta(days=4))  # optional: not counted
    db.session.commit()

    body = auth_client.get("/").get_data(as_text=True)
    [row] = rows(body)
    assert progress_text(row) == "2/4"
    assert "2 of 4 required questions answered" in row
    assert 'style="width: 50%"' in row
    assert cell(row, "Missing") == "2"
    assert cell(row, "Whose move") == "Client's move for 5 days"
    assert cell(row, "Status") == "Sent"
    assert cell(row, "Client") == "Acme Dental"
    assert cell(row, "Launch") == "Dec 15, 2026 On track"
    assert cell(row, "Next reminder").endswith("ivan@acme.example")
    assert f'href="/briefs/{brief.id}"' in row
    assert "Teeth whitening page" in row
    assert "1 open brief" in body


def test_sent_back_answer_counts_as_missing_again(auth_client, smtp_server):
    template = make_template()
    brief, _token = make_brief(template, now=NOW - timedelta(days=3))
    mark_sent(brief, AGENCY, NOW - timedelta(days=3))
    for key, value in [("name", "A"), ("what", "B"), ("channels", "Ads"), ("who", "C")]:
        answer(brief, key, value, NOW - timedelta(days=2))
    submit(brief, CLIENT, NOW - timedelta(days=2), missing=[])
    review(field_of(brief, "name"), ACCEPTED, "", AGENCY, NOW - timedelta(days=1))
    review(
        field_of(brief, "who"), CHANGES_REQUESTED, "Whom exactly?", AGENCY, NOW - timedelta(hours=3)
    )
    db.session.commit()

    [row] = rows(auth_client.get("/").get_data(as_text=True))
    assert progress_text(row) == "3/4"
    assert cell(row, "Missing") == "1"
    # The mail telling the client has not gone yet: still the agency's move since the
    # submission it has not fully answered.
    assert cell(row, "Whose move") == "Agency's move for 2 days"
    assert cell(row, "Status") == "Sent"
    # Once that mail is delivered, the client's wait starts: at the delivery, not the review.
    send_due.run(NOW - timedelta(hours=2))
    [told] = [mail for rcpt, mail in smtp_server.messages if rcpt == ["ivan@acme.example"]]
    assert told["Subject"].startswith("A few answers to add to")
    [row] = rows(auth_client.get("/").get_data(as_text=True))
    assert cell(row, "Whose move") == "Client's move for 2 hours"


def test_a_complete_submitted_brief_waits_on_the_agency(auth_client):
    template = make_template()
    brief, _token = make_brief(template, launch_date=None)
    mark_sent(brief, AGENCY, NOW - timedelta(days=9))
    for key, value in [("name", "A"), ("what", "B"), ("channels", "Ads")]:
        answer(brief, key, value, NOW - timedelta(days=8))
    answer(brief, "who", "", NOW - timedelta(days=8), not_applicable=True)
    submit(brief, CLIENT, NOW - timedelta(days=8), missing=[])
    db.session.commit()

    body = auth_client.get("/").get_data(as_text=True)
    [row] = rows(body)
    assert progress_text(row) == "4/4"
    assert cell(row, "Missing") == "0"
    assert cell(row, "Whose move") == "Agency's move for 1 week"
    assert "long-wait" in row
    assert cell(row, "Status") == "Submitted"
    assert cell(row, "Launch") == "Not set"
    # Over a week, but on the agency's side: not counted as waiting on the client.
    assert "waiting on the client" not in body


# Order


def test_the_brief_waiting_longest_comes_first(auth_client):
    template = make_template()
    acme = make_client("Acme Dental")
    recent, _ = make_brief(template, acme, title="Recent", now=NOW - timedelta(days=20))
    old, _ = make_brief(template, acme, title="Old", now=NOW - timedelta(days=20))
    draft, _ = make_brief(template, acme, title="Fresh draft", now=NOW - timedelta(hours=1))
    mark_sent(recent, AGENCY, NOW - timedelta(days=2))
    mark_sent(old, AGENCY, NOW - timedelta(days=12))
    db.session.commit()

    body = auth_client.get("/").get_data(as_text=True)
    assert row_ids(body) == [old.id, recent.id, draft.id]
    assert "3 open briefs, 1 waiting on the client for over a week" in body


def test_equal_waits_put_the_most_missing_first(auth_client):
    template = make_template()
    acme = make_client()
    fuller, _ = make_brief(template, acme, title="Fuller")
    emptier, _ = make_brief(template, acme, title="Emptier")
    for brief in (fuller, emptier):
        mark_sent(brief, AGENCY, NOW - timedelta(days=3))
    answer(fuller, "name", "A", NOW - timedelta(days=1))
    db.session.commit()

    assert row_ids(auth_client.get("/").get_data(as_text=True)) == [emptier.id, fuller.id]


# Filters


@pytest.fixture
def two_clients(app):
    """Two clients with briefs in different states, and a client with none."""
    template = make_template()
    acme, bolt = make_client("Acme Dental"), make_client("Bolt Garage")
    make_client("Quiet Client")
    briefs = {
        "acme_sent": make_brief(template, acme, title="Acme sent")[0],
        "acme_draft": make_brief(template, acme, title="Acme draft")[0],
        "bolt_sent": make_brief(template, bolt, title="Bolt sent")[0],
        "bolt_closed": make_brief(template, bolt, title="Bolt closed")[0],
    }
    for key in ("acme_sent", "bolt_sent", "bolt_closed"):
        mark_sent(briefs[key], AGENCY, NOW - timedelta(days=1))
    close(briefs["bolt_closed"], AGENCY, NOW)
    db.session.commit()
    return {"acme": acme, "bolt": bolt, **briefs}


def test_closed_briefs_are_hidden_by_default(auth_client, two_clients):
    body = auth_client.get("/").get_data(as_text=True)
    assert set(row_ids(body)) == {
        two_clients[k].id for k in ("acme_sent", "acme_draft", "bolt_sent")
    }
    assert "Bolt closed" not in body


def test_status_closed_shows_only_closed_briefs(auth_client, two_clients):
    body = auth_client.get("/?status=closed").get_data(as_text=True)
    [row] = rows(body)
    assert "Bolt closed" in row
    assert cell(row, "Whose move") == "Nothing pending"
    assert '<option value="closed" selected>' in body
    assert "1 brief" in body


def test_filter_by_client_keeps_the_choice_in_the_form(auth_client, two_clients):
    acme = two_clients["acme"]
    body = auth_client.get(f"/?client={acme.id}").get_data(as_text=True)
    assert set(row_ids(body)) == {two_clients["acme_sent"].id, two_clients["acme_draft"].id}
    assert f'<option value="{acme.id}" selected>Acme Dental</option>' in body
    assert "Quiet Client" not in body  # only clients that have briefs are offered
    assert 'href="/">Clear filters</a>' in body


def test_filter_by_client_and_status(auth_client, two_clients):
    acme = two_clients["acme"]
    body = auth_client.get(f"/?client={acme.id}&status=draft").get_data(as_text=True)
    assert row_ids(body) == [two_clients["acme_draft"].id]
    assert '<option value="draft" selected>' in body


@pytest.mark.parametrize(
    "query",
    ["?client=abc", "?client=99999", "?status=bogus", "?client=-1&status=", "?client=%C2%B2"],
)
def test_unknown_filter_values_are_ignored(auth_client, two_clients, query):
    response = auth_client.get("/" + query)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert len(rows(body)) == 3
    assert "Clear filters" not in body


# Pieces of the page, without HTTP


def test_parse_filters_keeps_only_known_values():
    assert parse_filters({"client": "7", "status": "sent"}, {7}) == Filters(7, "sent")
    assert parse_filters({"client": "8", "status": "open"}, {7}) == Filters(None, None)
    assert parse_filters({"client": " 7 "}, {7}).client_id == 7
    assert parse_filters({}, {7}) == Filters()
    assert not Filters().active
    assert Filters(status="closed").active and Filters(client_id=1).active


def test_parse_filters_keeps_the_chosen_client_while_the_box_holds_its_name():
    def parsed(typed: str) -> Filters:
        return parse_filters({"client": "7", "client_name": typed}, {7}, chosen_name="Acme")

    assert parsed("Acme") == Filters(client_id=7)
    assert parsed(" Acme ") == Filters(client_id=7)
    assert parsed("Acme Dental") == Filters(client_name="Acme Dental")
    assert parsed("acme") == Filters(client_name="acme")
    assert parsed("") == Filters()
    # A link to one client (no search box sent) still chooses it.
    assert parse_filters({"client": "7"}, {7}, chosen_name="Acme") == Filters(client_id=7)


def test_count_line_counts_only_long_waits_on_the_client(app):
    template = make_template()
    acme = make_client()
    waiting, _ = make_brief(template, acme)
    mark_sent(waiting, AGENCY, NOW - timedelta(days=8))
    db.session.commit()
    from briefs.accounts import agency_settings
    from briefs.chase_status import assess_summaries
    from briefs.overview import load_summaries

    with app.test_request_context():
        [summary] = load_summaries([waiting])
        [chase], _cal = assess_summaries([summary], agency_settings(), NOW)
        row = build_row(chase, NOW)
        assert row.long_wait and row.waited == "for 1 week"
        assert (
            count_line([row], Filters()) == "1 open brief, 1 waiting on the client for over a week"
        )
        assert count_line([row], Filters(status="sent")) == (
            "1 brief, 1 waiting on the client for over a week"
        )
        fresh = build_row(chase, NOW - timedelta(days=7, hours=12))
        assert not fresh.long_wait
        assert count_line([fresh, fresh], Filters()) == "2 open briefs"


# Query count


def add_briefs(count: int, template, clients, start: int) -> None:
    """Add briefs spread over the clients, in every state a dashboard meets."""
    for i in range(start, start + count):
        brief, _ = make_brief(
            template, clients[i % len(clients)], title=f"Brief {i}", now=NOW - timedelta(days=30)
        )
        state = i % 5
        if state >= 1:
            mark_sent(brief, AGENCY, NOW - timedelta(days=20 - i % 7))
        if state >= 2:
            answer(brief, "name", f"Service {i}", NOW - timedelta(days=10))
            answer(brief, "what", "Everything", NOW - timedelta(days=10))
        if state >= 3:
            answer(brief, "channels", "Ads", NOW - timedelta(days=9))
            answer(brief, "who", "", NOW - timedelta(days=9), not_applicable=True)
            submit(brief, CLIENT, NOW - timedelta(days=9), missing=[])
        if state == 4:
            review(
                field_of(brief, "name"), CHANGES_REQUESTED, "More", AGENCY, NOW - timedelta(days=2)
            )
        if i % 11 == 0:
            close(brief, AGENCY, NOW - timedelta(days=1))
        db.session.commit()


def reload(template_id: int, client_ids: list[int]):
    """Fetch the template and clients again after the session was thrown away."""
    return db.session.get(Template, template_id), [db.session.get(Client, i) for i in client_ids]


def dashboard_queries(client, count_queries, url: str = "/") -> tuple[int, str]:
    """Fetch the dashboard in an app context of its own, as a real request would be served.

    The tests' app context would otherwise share its session and `g` (the signed-in user,
    the cached time zone) with the request, so the count would depend on the set-up.
    """
    with count_queries(fresh_session=True) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_query_count_does_not_grow_with_the_number_of_briefs(auth_client, count_queries):
    template = make_template()
    clients = [make_client(f"Client {n}") for n in range(4)]
    ids = template.id, [c.id for c in clients]
    add_briefs(5, template, clients, start=1)
    few, body = dashboard_queries(auth_client, count_queries)
    assert len(rows(body)) == 5

    add_briefs(45, *reload(*ids), start=6)
    many, body = dashboard_queries(auth_client, count_queries)
    assert len(rows(body)) == 50 - 4  # briefs 11, 22, 33 and 44 are closed
    assert many == few
    # user, clients, briefs, recipients, fields, comments, how answers sent back were told,
    # settings, reminders, hand-overs, promises
    assert few <= 12


def test_filtered_query_count_is_fixed_too(auth_client, count_queries):
    template = make_template()
    clients = [make_client(f"Client {n}") for n in range(3)]
    ids = template.id, [c.id for c in clients]
    url = f"/?client={clients[0].id}&status=sent"
    add_briefs(6, template, clients, start=1)
    few, body = dashboard_queries(auth_client, count_queries, url)
    assert len(rows(body)) == 1
    add_briefs(30, *reload(*ids), start=7)
    many, body = dashboard_queries(auth_client, count_queries, url)
    assert len(rows(body)) > 1
    assert many == few


def test_waits_and_dates_follow_the_users_language(auth_client, user):
    user.locale = "ru"
    brief, _ = make_brief(now=NOW - timedelta(days=6))
    mark_sent(brief, AGENCY, NOW - timedelta(days=5))
    db.session.commit()
    response = auth_client.get("/")
    assert response.status_code == 200
    [row] = rows(response.get_data(as_text=True))
    # Cells are found by class: their data-label is translated too.
    assert "5 дней" in re.search(r'class="move move-client">(.*?)</td>', row, re.S).group(1)
    launch = re.search(r'class="launch">\s*(.*?)\s*</td>', row, re.S).group(1)
    assert "2026" in launch and "Dec" not in launch


def test_late_brief_shows_its_risk_and_the_next_reminder(auth_client):
    from datetime import date

    brief, _ = make_brief(make_template(), make_client(), launch_date=date(2026, 11, 5))
    mark_sent(brief, AGENCY, NOW - timedelta(days=1))  # Sunday 1 Nov
    db.session.commit()
    [row] = rows(auth_client.get("/").get_data(as_text=True))
    # Launch on Thu 5 Nov minus 5 working days: the answers were due on Thu 29 Oct.
    assert cell(row, "Launch") == "Nov 5, 2026 Late answers by Oct 29, 2026"
    # The 3rd working day after Sunday (Mon, Tue, Wed), at 09:00 in Moscow.
    assert cell(row, "Next reminder") == "11/4/26, 9:00 AM ivan@acme.example"


# A page at a time, at any size


def vary_states(n: int, brief: dict, fields: list[dict]) -> None:
    """Spread bulk copies over drafts, client's and agency's moves and launch risks."""
    from datetime import date

    brief["title"] = f"Copy {n}"
    state = n % 4
    if state == 0:
        return
    brief.update(status="sent", sent_at=NOW - timedelta(days=1 + n % 15, minutes=n))
    if state >= 2:
        for field in fields:
            field.update(value="Ads", revision=1, answered_at=NOW - timedelta(days=1))
    if state == 2:
        brief.update(status="submitted", submitted_at=NOW - timedelta(hours=n % 20 + 1))
    if state == 2 and n % 8 == 6:  # every answer accepted: nothing pending
        for field in fields:
            field.update(review_verdict=ACCEPTED, reviewed_at=NOW - timedelta(minutes=5))
    if state == 3:
        fields[0].update(value="", revision=0, answered_at=None)
        brief["launch_date"] = date(2026, 11, 5) if n % 8 == 3 else date(2026, 11, 13)


def bulk_briefs(count: int, user) -> None:
    """Add `count` briefs in bulk, over three clients, half of them created by `user`."""
    template = make_template()
    sources = [
        make_brief(template, make_client(f"Client {k}"), user=user if k % 2 else None)[0]
        for k in range(3)
    ]
    db.session.commit()
    for k, source in enumerate(sources):
        share = count // 3 + (1 if k < count % 3 else 0) - 1
        copy_briefs(source, share, lambda n, b, f, k=k: vary_states(n * 3 + k, b, f))


def test_a_page_costs_the_same_at_any_size(auth_client, count_queries, user):
    bulk_briefs(100, user)
    urls = ["/", "/?move=client", f"/?risk=late&owner={user.id}", "/?move=agency&page=2"]
    few = [dashboard_queries(auth_client, count_queries, url) for url in urls]
    assert len(rows(few[0][1])) == 50 and "Page 1 of 2" in few[0][1]

    db.session.expire_all()
    bulk_briefs(900, db.session.merge(user))
    many = [dashboard_queries(auth_client, count_queries, url) for url in urls]
    assert len(rows(many[0][1])) == 50 and "Page 1 of 20" in many[0][1]
    assert "1000 open briefs" in many[0][1].replace(",", "")
    for (few_count, few_body), (many_count, many_body), url in zip(few, many, urls, strict=True):
        assert few_count == many_count, url
        assert few_count <= 12, url
        if len(rows(few_body)) == 50:
            # A full page either way: the same rows, only longer numbers in them.
            assert len(many_body) < len(few_body) * 1.05, url


def test_the_dashboard_never_reads_field_texts(auth_client, count_queries, user):
    bulk_briefs(30, user)
    with count_queries(fresh_session=True) as statements:
        assert auth_client.get("/").status_code == 200
    sql = " ".join(statements)
    for column in ("help", "example", "label", "options", "review_comment"):
        assert f"brief_field.{column}" not in sql
    assert "brief_field.value" in sql  # only inside the blank test, never selected


def test_pages_follow_the_most_stuck_order(auth_client, user):
    bulk_briefs(120, user)
    ids = []
    for number in (1, 2, 3):
        body = auth_client.get(f"/?page={number}").get_data(as_text=True)
        ids += row_ids(body)
        assert f"Page {number} of 3" in body
    assert len(ids) == len(set(ids)) == 120
    body = auth_client.get("/?page=99").get_data(as_text=True)
    assert "Page 3 of 3" in body and row_ids(body) == ids[100:]
    assert 'rel="prev" href="/?page=2"' in body


def test_filters_by_move_risk_and_creator_and_the_pager_keeps_them(auth_client, user):
    bulk_briefs(160, user)
    body = auth_client.get("/?move=client").get_data(as_text=True)
    assert 'rel="next" href="/?page=2&amp;move=client"' in body
    assert rows(body) and all(cell(r, "Whose move").startswith("Client's") for r in rows(body))
    mine = auth_client.get(f"/?owner={user.id}").get_data(as_text=True)
    everyone = auth_client.get("/?page=2&page=4").get_data(as_text=True)
    assert "53 open briefs" in mine and "160 open briefs" in everyone
    assert f'<option value="{user.id}" selected>Olga Owner</option>' in mine
    body = auth_client.get("/?risk=late").get_data(as_text=True)
    assert rows(body) and all("Late" in cell(row, "Launch") for row in rows(body))
    assert '<option value="late" selected>' in body
    body = auth_client.get("/?move=agency").get_data(as_text=True)
    assert rows(body) and all(cell(r, "Whose move").startswith("Agency") for r in rows(body))
    body = auth_client.get("/?move=none&status=closed").get_data(as_text=True)
    assert "No briefs match these filters." in body  # none closed yet
    body = auth_client.get("/?move=none").get_data(as_text=True)
    assert rows(body) and all(cell(r, "Whose move").startswith("Nothing") for r in rows(body))
    body = auth_client.get("/?move=bogus&risk=0&owner=x").get_data(as_text=True)
    assert "50 open" not in body and len(rows(body)) == 50


def test_the_pager_and_filters_speak_russian(auth_client, user):
    user.locale = "ru"
    bulk_briefs(60, user)
    body = auth_client.get("/?page=2").get_data(as_text=True)
    assert "Страница 2 из 2" in body
    assert "Создал" in body and "Чей ход" in body


# Many clients: the client filter becomes a search over their names


def many_clients(count: int, user, names: list[str]) -> list[int]:
    """Add `count` briefs in bulk spread over clients of the given names; return their ids."""
    template = make_template()
    clients = [make_client(name) for name in names]
    source, _ = make_brief(template, clients[0], user=user)
    db.session.commit()
    ids = [c.id for c in clients]

    def vary(n: int, brief: dict, fields: list[dict]) -> None:
        vary_states(n, brief, fields)
        brief["client_id"] = ids[(n + 1) % len(ids)]

    copy_briefs(source, count - 1, vary)
    return ids


SIXTY = [f"Client {n:02d}" for n in range(58)] + ["Улыбка", "Zeta Dental"]


def test_sixty_clients_cost_the_same_at_100_and_1000_briefs(auth_client, count_queries, user):
    ids = many_clients(100, user, SIXTY)
    zeta = ids[-1]
    urls = ["/", "/?client_name=лыБ", f"/?client={zeta}", "/?client_name=client&page=2"]
    few = [dashboard_queries(auth_client, count_queries, url) for url in urls]

    db.session.expire_all()
    source = db.session.scalar(select(Brief).order_by(Brief.id))
    copy_briefs(
        source, 900, lambda n, b, f: (vary_states(n, b, f), b.update(client_id=ids[n % 60]))
    )
    many = [dashboard_queries(auth_client, count_queries, url) for url in urls]
    assert "1000 open briefs" in many[0][1].replace(",", "")
    for (few_count, few_body), (many_count, many_body), url in zip(few, many, urls, strict=True):
        assert few_count == many_count, url
        assert few_count <= 12, url
        # A search box, not a menu of every client.
        assert 'name="client_name"' in many_body, url
        assert '<select id="filter-client"' not in many_body, url
        if len(rows(few_body)) == 50:
            assert len(many_body) < len(few_body) * 1.05, url
    # The client beyond the menu's first 51 is still found by ?client=.
    zeta_rows = rows(many[2][1])
    assert zeta_rows and all(cell(r, "Client") == "Zeta Dental" for r in zeta_rows)
    assert 'value="Zeta Dental"' in many[2][1]


def test_the_client_search_ignores_case_in_any_alphabet_and_the_pager_keeps_it(auth_client, user):
    names = [f"Client {n:02d}" for n in range(57)] + ["Улыбка", "УЛЫБКА плюс", "50% Off"]
    many_clients(180, user, names)
    body = auth_client.get("/?client_name=%20улыбка%20").get_data(as_text=True)
    found = {cell(r, "Client") for r in rows(body)}
    assert found == {"Улыбка", "УЛЫБКА плюс"}
    assert 'value="улыбка"' in body and "6 open briefs" in body
    # LIKE's wildcards are letters like any other.
    body = auth_client.get("/?client_name=0%25").get_data(as_text=True)
    assert {cell(r, "Client") for r in rows(body)} == {"50% Off"}
    body = auth_client.get("/?client_name=CLIENT%20").get_data(as_text=True)
    assert "171 open briefs" in body and "Page 1 of 4" in body
    assert 'rel="next" href="/?page=2&amp;client_name=CLIENT">' in body  # trimmed
    body = auth_client.get("/?page=2&client_name=CLIENT").get_data(as_text=True)
    assert "Page 2 of 4" in body and len(rows(body)) == 50
    assert all(cell(r, "Client").startswith("Client ") for r in rows(body))
    body = auth_client.get("/?client_name=nobody").get_data(as_text=True)
    assert "No briefs match these filters." in body
    # An unknown id matches nothing known, so it is ignored, as a bad menu value was.
    body = auth_client.get("/?client=999999&client_name=").get_data(as_text=True)
    assert "180 open briefs" in body and "Clear filters" not in body


class _FilterForm(HTMLParser):
    """Collect what the filter form would send: its inputs' and chosen options' values."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.sent[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs["name"]
            self.sent.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.sent[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def show(auth_client, body: str, **typed: str) -> str:
    """Press "Show" on the page's filter form, after typing `typed` into its fields."""
    form = re.search(
        r'<form method="get" action="/" class="card dashboard-filters".*?</form>', body, re.S
    )
    assert form, "no filter form"
    parser = _FilterForm()
    parser.feed(form.group(0))
    return auth_client.get("/", query_string={**parser.sent, **typed}).get_data(as_text=True)


def test_show_keeps_the_client_chosen_by_id_until_the_search_text_changes(auth_client, user):
    names = [f"Client {n:02d}" for n in range(58)] + ["Zeta", "Zeta Dental"]
    ids = many_clients(120, user, names)
    zeta = ids[-2]
    chosen = auth_client.get(f"/?client={zeta}").get_data(as_text=True)
    assert {cell(r, "Client") for r in rows(chosen)} == {"Zeta"}
    assert (
        'value="Zeta"' in chosen and f'<input type="hidden" name="client" value="{zeta}">' in chosen
    )

    # "Show" as it is: still that one client, not every name containing "Zeta".
    shown = show(auth_client, chosen)
    assert {cell(r, "Client") for r in rows(shown)} == {"Zeta"}
    assert 'value="Zeta"' in shown and f'name="client" value="{zeta}"' in shown
    assert row_ids(shown) == row_ids(chosen)
    # With another filter changed too, the client stays chosen.
    closed = show(auth_client, chosen, status="closed")
    assert f'name="client" value="{zeta}"' in closed and "Zeta Dental" not in closed

    # Text typed over the name is a search (the chosen id is dropped).
    searched = show(auth_client, chosen, client_name="zeta")
    assert {cell(r, "Client") for r in rows(searched)} == {"Zeta", "Zeta Dental"}
    assert 'value="zeta"' in searched and 'name="client" value=' not in searched
    # An emptied box shows every client's briefs.
    everyone = show(auth_client, chosen, client_name="")
    assert "120 open briefs" in everyone.replace(",", "") and "Clear filters" not in everyone


def test_fifty_clients_keep_the_menu(auth_client, user):
    many_clients(60, user, [f"Client {n:02d}" for n in range(50)])
    body = auth_client.get("/").get_data(as_text=True)
    assert body.count('<option value="', body.index('id="filter-client"')) >= 50
    assert 'name="client_name"' not in body


def test_the_client_search_reads_cyrillic_on_postgresql(tmp_path, postgres_url):
    from briefs.dashboard.board import load_board
    from tests.conftest import _fresh_app

    with _fresh_app(tmp_path / "pg", SQLALCHEMY_DATABASE_URI=postgres_url) as pg_app:
        db.drop_all()
        db.create_all()
        try:
            template = make_template()
            for name in ("Улыбка", "Acme", "УЛЫБКА плюс"):
                make_brief(template, make_client(name))
            db.session.commit()
            with pg_app.test_request_context():
                board = load_board({"client_name": "улыбка"}, NOW)
                assert sorted(r.brief.client.name for r in board.rows) == ["УЛЫБКА плюс", "Улыбка"]
                board = load_board({"client_name": "ACME"}, NOW)
                assert [r.brief.client.name for r in board.rows] == ["Acme"]
        finally:
            db.session.remove()
            db.drop_all()
