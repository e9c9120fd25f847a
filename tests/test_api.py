"""The REST API through the test client; every response is checked against the OpenAPI document."""

from __future__ import annotations

import re
from datetime import date

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from briefs.accounts import create_user
from briefs.api.openapi import document
from briefs.api_tokens import create_token
from briefs.extensions import db
from briefs.models import Brief, Client, Event, Message, Template
from briefs.rules.event_chain import event_hash
from tests.factories import NOW, PASSWORD, answer_fields, make_brief, make_client, make_template

SPEC = document()


def _schema_for(app, path: str, method: str, status: int, content_type: str) -> dict | None:
    """Find the documented schema of this response; fail if it is not documented."""
    rule, _args = app.url_map.bind("localhost").match(path, method=method, return_rule=True)
    template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule).removeprefix("/api/v1")
    operation = SPEC["paths"][template][method.lower()]
    response = operation["responses"].get(str(status))
    assert response is not None, f"{method} {template} answered {status}, not documented"
    if status == 204:
        return None
    media = content_type.split(";")[0]
    assert media in response["content"], (method, template, status, content_type)
    return response["content"][media]["schema"]


class Api:
    """A test client that sends a token and checks each answer against the document."""

    def __init__(self, app, client, secret: str) -> None:
        self.app, self.client, self.secret = app, client, secret

    def call(self, method: str, path: str, *, headers=None, **kwargs):
        headers = {"Authorization": f"Bearer {self.secret}", **(headers or {})}
        response = self.client.open(path, method=method, headers=headers, **kwargs)
        schema = _schema_for(
            self.app, path.split("?")[0], method, response.status_code, response.content_type
        )
        if schema is not None and response.is_json:
            validator = Draft202012Validator({**schema, "components": SPEC["components"]})
            errors = [e.message for e in validator.iter_errors(response.get_json())]
            assert not errors, (method, path, errors)
        return response

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, **kw):
        return self.call("POST", path, **kw)

    def patch(self, path, **kw):
        return self.call("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)

    def put(self, path, **kw):
        return self.call("PUT", path, **kw)


def token_api(app, client, user, name: str, scope: str) -> Api:
    """Return the test client calling the API with a new token of the user's."""
    _token, secret = create_token(user, name, scope, NOW)
    db.session.commit()
    return Api(app, client, secret)


@pytest.fixture
def api(app, client, user):
    return token_api(app, client, user, "CRM", "write")


@pytest.fixture
def read_api(app, client, user):
    return token_api(app, client, user, "Reports", "read")


def test_it_serves_a_valid_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    validate(response.get_json())


def test_it_documents_every_api_route(app):
    documented = {(path, method) for path, ops in SPEC["paths"].items() for method in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule).removeprefix("/api/v1")
            served |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented
    assert len(served) > 20


def test_it_answers_401_problem_without_a_token(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.openapi":
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 401, (method, url)
            assert response.content_type == "application/problem+json"
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            checked += 1
    assert checked > 20


def test_it_refuses_wrong_and_revoked_tokens(app, client, user, api, frozen_clock):
    assert (
        client.get("/api/v1/clients", headers={"Authorization": "Bearer brf_nope"}).status_code
        == 401
    )
    token, secret = create_token(user, "Old", "read", NOW)
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/clients", headers=headers).status_code == 200
    db.session.refresh(token)
    assert token.last_used_at == NOW
    token.revoked_at = NOW
    db.session.commit()
    assert client.get("/api/v1/clients", headers=headers).status_code == 401


def test_it_lets_a_read_token_read_but_not_change(read_api):
    assert read_api.get("/api/v1/clients").status_code == 200
    response = read_api.post("/api/v1/clients", json={"name": "Nope"})
    assert response.status_code == 403
    assert db.session.scalar(db.select(Client).where(Client.name == "Nope")) is None


def test_it_creates_reads_updates_and_deletes_clients_and_contacts(api):
    response = api.post(
        "/api/v1/clients", json={"name": " Bright Smile ", "timezone": "Europe/Berlin"}
    )
    assert response.status_code == 201
    created = response.get_json()
    assert created["name"] == "Bright Smile" and created["escalation_enabled"] is True
    url = f"/api/v1/clients/{created['id']}"

    contact = api.post(url + "/contacts", json={"name": "Ann", "email": "ann@smile.example"})
    assert contact.status_code == 201 and contact.get_json()["role"] == "contact"

    read = api.get(url)
    etag = read.headers["ETag"]
    changed = api.patch(url, json={"notes": "Pays late"}, headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["notes"] == "Pays late"
    assert changed.get_json()["timezone"] == "Europe/Berlin"  # untouched values stay
    stale = api.patch(url, json={"notes": "Overwrite"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert api.get(url).get_json()["notes"] == "Pays late"

    contact_url = f"{url}/contacts/{contact.get_json()['id']}"
    assert (
        api.patch(contact_url, json={"role": "decision_maker"}).get_json()["role"]
        == "decision_maker"
    )
    assert api.delete(contact_url).status_code == 204
    assert api.get(contact_url).status_code == 404
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


def test_it_refuses_what_the_client_form_refuses_with_field_errors(api):
    response = api.post(
        "/api/v1/clients", json={"name": "", "timezone": "Mars/Base", "colour": "red"}
    )
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert fields == {"colour"}  # unknown keys are refused before anything is checked
    response = api.post("/api/v1/clients", json={"name": "", "timezone": "Mars/Base"})
    assert {e["field"] for e in response.get_json()["errors"]} == {"name", "timezone"}
    client = make_client()
    bad_email = api.post(
        f"/api/v1/clients/{client.id}/contacts", json={"name": "X", "email": "nope"}
    )
    assert bad_email.status_code == 422
    assert bad_email.get_json()["errors"][0]["field"] == "email"


def test_it_keeps_a_client_with_briefs(api):
    brief, _token = make_brief()
    assert api.delete(f"/api/v1/clients/{brief.client_id}").status_code == 409
    assert db.session.get(Client, brief.client_id) is not None


def test_it_lists_and_shows_templates(api):
    template = make_template()
    listed = api.get("/api/v1/templates").get_json()["items"]
    assert [t["name"] for t in listed] == ["Service page"]
    detail = api.get(f"/api/v1/templates/{template.id}").get_json()
    assert [f["key"] for f in detail["sections"][0]["fields"]] == ["name", "what", "price"]
    assert api.get("/api/v1/templates/999").status_code == 404


def kind_and_why_b(section: str, *more: dict):
    """Make a template whose one section asks a kind, A or B, then why B only after B."""
    kind = {"key": "kind", "label": "Kind", "type": "single_choice", "options": ["A", "B"]}
    why_b = {
        "key": "why_b",
        "label": "Why B?",
        "condition": {"all": [{"key": "kind", "op": "equals", "value": "B"}]},
    }
    return make_template(sections=[(section, [kind, why_b, *more])])


def test_it_exports_a_template_that_imports_back_the_same(api):
    template = kind_and_why_b("The service")
    exported = api.get(f"/api/v1/templates/{template.id}/export").get_json()
    assert exported["format"] == "briefs-template/1"
    assert exported["sections"][0]["fields"][1]["show_when"]["all"][0]["key"] == "kind"
    response = api.post("/api/v1/templates/import", json=exported | {"name": "Copy"})
    assert response.status_code == 201
    created = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/templates/{created['id']}")
    again = api.get(f"/api/v1/templates/{created['id']}/export").get_json()
    assert again == exported | {"name": "Copy"}
    assert api.get("/api/v1/templates/999/export").status_code == 404


def test_it_refuses_a_template_naming_each_problems_place(api):
    body = {
        "format": "briefs-template/1",
        "name": "Broken",
        "sections": [
            {
                "title": "One",
                "fields": [
                    {"key": "Bad Key", "label": "First"},
                    {
                        "key": "later",
                        "label": "Later",
                        "show_when": {"all": [{"key": "nope", "op": "answered"}]},
                    },
                ],
            }
        ],
    }
    response = api.post("/api/v1/templates/import", json=body)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    fields = [e["field"] for e in response.get_json()["errors"]]
    assert "sections[0].fields[0].key" in fields
    assert "sections[0].fields[1].show_when" in fields
    assert db.session.scalar(db.select(db.func.count()).select_from(Template)) == 0


def test_it_imports_a_yaml_file_and_names_the_lines_of_its_problems(api):
    good = "format: briefs-template/1\nname: From YAML\nsections:\n  - title: S\n    fields:\n"
    good += "      - key: a\n        label: A\n"
    response = api.post(
        "/api/v1/templates/import", data=good, headers={"Content-Type": "application/yaml"}
    )
    assert response.status_code == 201
    assert response.get_json()["sections"][0]["fields"][0]["key"] == "a"
    bad = good.replace("key: a", "key: a\n        show_when: {all: [{key: zzz, op: answered}]}")
    response = api.post(
        "/api/v1/templates/import", data=bad, headers={"Content-Type": "application/yaml"}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "line 7 (sections[0].fields[0].show_when)"
    response = api.post(
        "/api/v1/templates/import", data="name: x", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415


def test_it_lets_only_a_read_write_token_import(read_api):
    body = {"format": "briefs-template/1", "name": "T"}
    assert read_api.post("/api/v1/templates/import", json=body).status_code == 403


def test_it_creates_a_brief_credited_to_the_tokens_user(api, user, frozen_clock):
    template, client = make_template(), make_client()
    ivan = next(c for c in client.contacts if c.role == "contact")
    response = api.post(
        "/api/v1/briefs",
        json={
            "template_id": template.id,
            "client_id": client.id,
            "title": "Whitening",
            "recipients": [ivan.id],
            "launch_date": "2026-12-20",
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "draft" and body["launch_date"] == "2026-12-20"
    assert body["missing"] == ["name", "what", "channels", "who"]
    assert [r["email"] for r in body["recipients"]] == ["ivan@acme.example"]
    event = db.session.scalar(db.select(Event).where(Event.brief_id == body["id"]))
    assert (event.kind, event.actor_user_id, event.actor_label) == (
        "brief_created",
        user.id,
        user.name,
    )


def test_it_refuses_a_brief_the_page_would_refuse(api):
    template, client = make_template(), make_client()
    response = api.post(
        "/api/v1/briefs",
        json={
            "template_id": template.id,
            "client_id": client.id,
            "title": "",
            "recipients": [],
            "launch_date": "1800-01-01",
            "work_days": 999,
        },
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {
        "title",
        "recipients",
        "launch_date",
        "work_days",
    }
    # Past what a row's id can be (the fuzzer's 2**63 once reached SQLite: a 500; 2**32 was
    # refused by PostgreSQL's 32-bit ids: a 400), a boolean.
    for client_id in (999, 2**63, 2**32, -1, True):
        unknown = api.post(
            "/api/v1/briefs",
            json={"template_id": template.id, "client_id": client_id, "title": "x"},
        )
        assert unknown.status_code == 422
        assert unknown.get_json()["errors"] == [
            {"field": "client_id", "message": "No client has this id."}
        ]
    assert db.session.scalar(db.select(db.func.count(Brief.id))) == 0


def test_it_sends_reviews_closes_and_reopens_a_brief(api, frozen_clock):
    brief, _token = make_brief()
    url = f"/api/v1/briefs/{brief.id}"
    sent = api.post(url + "/send")
    assert sent.status_code == 200 and sent.get_json()["status"] == "sent"
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 1
    assert sent.get_json()["whose_move"]["side"] == "client"

    answer_fields(brief, ["name"], NOW)
    db.session.commit()
    field = api.get(url).get_json()["sections"][0]["fields"][0]
    assert field["answer"]["value"] and field["answer"]["revision"] == 1
    stale = api.post(
        url + "/fields/name/review", json={"verdict": "accepted", "answer_revision": 0}
    )
    assert stale.status_code == 412
    nothing = api.post(url + "/fields/what/review", json={"verdict": "accepted"})
    assert nothing.status_code == 409
    needs_comment = api.post(url + "/fields/name/review", json={"verdict": "changes_requested"})
    assert needs_comment.status_code == 422
    accepted = api.post(
        url + "/fields/name/review", json={"verdict": "accepted", "answer_revision": 1}
    )
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["sections"][0]["fields"][0]["review"]["verdict"] == "accepted"

    etag = api.get(url).headers["ETag"]
    closed = api.post(url + "/close", headers={"If-Match": etag})
    assert closed.get_json()["status"] == "closed"
    assert api.post(url + "/reopen", headers={"If-Match": etag}).status_code == 412
    refused = api.post(url + "/send")
    assert refused.status_code == 409 and refused.get_json()["title"] == "Brief closed"
    review_closed = api.post(url + "/fields/name/review", json={"verdict": "accepted"})
    assert review_closed.status_code == 409
    assert api.post(url + "/reopen").get_json()["status"] == "sent"


def test_it_saves_an_answer_as_the_client_form_does(api, user, frozen_clock):
    brief, _token = make_brief()
    url = f"/api/v1/briefs/{brief.id}/answers"
    response = api.put(url + "/price", json={"value": "от 25 000"})
    assert response.status_code == 200, response.get_json()
    price = response.get_json()["sections"][0]["fields"][2]
    assert (price["answer"]["value"], price["answer"]["revision"]) == ("от 25 000", 1)
    assert price["answer"]["answered_by"] == user.name
    event = db.session.scalars(db.select(Event).order_by(Event.id.desc())).first()
    assert (event.kind, event.actor_user_id, event.data["fields"]) == (
        "answer_saved",
        user.id,
        ["price"],
    )
    events = db.session.scalar(db.select(db.func.count(Event.id)))
    same = api.put(url + "/price", json={"value": "от 25 000", "revision": 1})
    assert same.status_code == 200
    assert db.session.scalar(db.select(db.func.count(Event.id))) == events

    channels = brief.sections[1].fields[0]
    chosen = api.put(f"{url}/{channels.id}", json={"value": ["Search", "Ads"]})
    assert chosen.get_json()["sections"][1]["fields"][0]["answer"]["value"] == "Search\nAds"
    not_applicable = api.put(url + "/who", json={"not_applicable": True})
    assert not_applicable.get_json()["sections"][1]["fields"][1]["answer"]["not_applicable"]


def test_it_refuses_an_answer_the_client_form_refuses(api, frozen_clock):
    brief, _token = make_brief()
    url = f"/api/v1/briefs/{brief.id}/answers"
    not_a_number = api.put(url + "/price", json={"value": "cheap"})
    assert not_a_number.status_code == 422
    assert not_a_number.get_json()["errors"] == [
        {
            "field": "value",
            "message": "Please enter a number, for example 25000, 1,500.50 or “from 25,000”.",
        }
    ]
    assert api.put(url + "/channels", json={"value": ["Billboards"]}).status_code == 422
    assert api.put(url + "/name", json={"value": ["a", "b"]}).status_code == 422
    assert api.put(url + "/name", json={"value": "x", "extra": 1}).status_code == 422
    assert api.put(url + "/nope", json={"value": "x"}).status_code == 404
    assert api.put(f"/api/v1/briefs/{brief.id + 1}/answers/name", json={}).status_code == 404
    assert (
        db.session.scalar(db.select(db.func.count(Event.id)).where(Event.kind == "answer_saved"))
        == 0
    )


def test_it_refuses_a_stale_or_closed_answer(api, read_api, frozen_clock):
    brief, _token = make_brief()
    url = f"/api/v1/briefs/{brief.id}"
    etag = api.get(url).headers["ETag"]
    assert api.put(url + "/answers/name", json={"value": "One"}).status_code == 200
    stale_brief = api.put(url + "/answers/what", json={"value": "x"}, headers={"If-Match": etag})
    assert stale_brief.status_code == 412
    stale_answer = api.put(url + "/answers/name", json={"value": "Two", "revision": 0})
    assert stale_answer.status_code == 412
    assert read_api.put(url + "/answers/name", json={"value": "Two"}).status_code == 403
    api.post(url + "/close")
    closed = api.put(url + "/answers/name", json={"value": "Two", "revision": 1})
    assert closed.status_code == 409 and closed.get_json()["title"] == "Brief closed"
    db.session.expire_all()
    assert db.session.get(Brief, brief.id).sections[0].fields[0].value == "One"


def test_it_refuses_answers_to_hidden_and_file_questions(api, frozen_clock):
    template = kind_and_why_b("S", {"key": "logo", "label": "Logo", "type": "file"})
    brief, _token = make_brief(template)
    url = f"/api/v1/briefs/{brief.id}/answers"
    assert api.put(url + "/why_b", json={"value": "x"}).status_code == 409
    assert api.put(url + "/logo", json={"value": "logo.png"}).status_code == 409
    assert api.put(url + "/kind", json={"value": "B"}).status_code == 200
    assert api.put(url + "/why_b", json={"value": "Because"}).status_code == 200


def test_it_filters_and_pages_briefs(api, frozen_clock):
    client = make_client()
    template = make_template()
    briefs = [
        make_brief(template, client, title=f"B{i}", launch_date=date(2026, 11, 4))[0]
        for i in range(3)
    ]
    other, _ = make_brief(template, make_client("Other"), launch_date=None)
    from briefs import workflow

    for brief in briefs[:2]:
        workflow.mark_sent(brief, workflow.SYSTEM, NOW)
    db.session.commit()

    first = api.get(f"/api/v1/briefs?client_id={client.id}&limit=2").get_json()
    assert [b["title"] for b in first["items"]] == ["B2", "B1"]
    rest = api.get(
        f"/api/v1/briefs?client_id={client.id}&limit=2&cursor={first['next_cursor']}"
    ).get_json()
    assert [b["title"] for b in rest["items"]] == ["B0"] and rest["next_cursor"] is None

    at_risk = api.get("/api/v1/briefs?risk=late").get_json()["items"]
    assert {b["title"] for b in at_risk} == {"B0", "B1"}
    clients_move = api.get("/api/v1/briefs?whose_move=client&limit=1").get_json()
    assert [b["title"] for b in clients_move["items"]] == ["B1"]
    assert (
        api.get(
            f"/api/v1/briefs?whose_move=client&cursor={clients_move['next_cursor']}"
        ).get_json()["items"][0]["title"]
        == "B0"
    )
    assert [b["id"] for b in api.get("/api/v1/briefs?status=draft").get_json()["items"]] == [
        other.id,
        briefs[2].id,
    ]
    assert (
        api.get("/api/v1/briefs?updated_since=2030-01-01T00:00:00%2B00:00").get_json()["items"]
        == []
    )
    assert api.get("/api/v1/briefs?risk=bad").status_code == 422
    assert api.get("/api/v1/briefs?cursor=garbage!").status_code == 422
    assert api.get("/api/v1/briefs?updated_since=yesterday").status_code == 422


def test_it_exports_markdown_and_the_timeline(api, frozen_clock):
    brief, _token = make_brief()
    api.post(f"/api/v1/briefs/{brief.id}/send")
    markdown = api.get(f"/api/v1/briefs/{brief.id}/export.md")
    assert markdown.status_code == 200 and markdown.mimetype == "text/markdown"
    assert "# Teeth whitening page" in markdown.get_data(as_text=True)
    timeline = api.get(f"/api/v1/briefs/{brief.id}/timeline").get_json()
    assert "Olga Owner" in timeline["entries"][-1]["text"]


def test_it_pages_the_record_with_hashes_that_chain(api, frozen_clock):
    brief, _token = make_brief()
    api.post(f"/api/v1/briefs/{brief.id}/send")
    api.post(f"/api/v1/briefs/{brief.id}/close")
    events, cursor = [], None
    while True:
        page = api.get(
            "/api/v1/events?limit=1" + (f"&cursor={cursor}" if cursor else "")
        ).get_json()
        events += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [e["name"] for e in events] == [
        "brief.created",
        "message.queued",
        "brief.sent",
        "brief.closed",
    ]
    previous = ""
    for item in events:
        assert item["prev_hash"] == previous
        previous = item["hash"]
    stored = db.session.get(Event, events[-1]["id"])
    assert stored.hash == event_hash(
        prev_hash=stored.prev_hash,
        id=stored.id,
        brief_id=stored.brief_id,
        kind=stored.kind,
        actor_kind=stored.actor_kind,
        actor_user_id=stored.actor_user_id,
        actor_label=stored.actor_label,
        field_id=stored.field_id,
        data=stored.data,
        created_at=stored.created_at,
    )
    own = api.get(f"/api/v1/briefs/{brief.id}/events").get_json()["items"]
    assert [e["id"] for e in own] == [e["id"] for e in events]


def test_it_answers_unknown_ids_with_a_problem(api):
    for url in ("/api/v1/briefs/999", "/api/v1/clients/999", "/api/v1/briefs/999/events"):
        response = api.get(url)
        assert response.status_code == 404 and response.content_type == "application/problem+json"
    unknown = api.client.get("/api/v1/no-such-thing")
    assert unknown.status_code == 404 and unknown.content_type == "application/problem+json"
    wrong_method = api.client.put("/api/v1/briefs")
    assert wrong_method.status_code == 405
    assert wrong_method.content_type == "application/problem+json"


def test_it_limits_requests_per_token(limited_app):
    user = create_user(email="loop@agency.example", name="Lou", password=PASSWORD, now=NOW)
    _token, secret = create_token(user, "Loop", "read", NOW)
    db.session.commit()
    client = limited_app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    statuses = [client.get("/api/v1/templates", headers=headers).status_code for _ in range(601)]
    assert statuses[:600] == [200] * 600 and statuses[600] == 429
    refused = client.get("/api/v1/templates", headers=headers)
    assert refused.content_type == "application/problem+json" and "Retry-After" in refused.headers
    _other, other_secret = create_token(user, "Other", "read", NOW)
    db.session.commit()
    fresh = client.get("/api/v1/templates", headers={"Authorization": f"Bearer {other_secret}"})
    assert fresh.status_code == 200  # the count is per token, not per address


def test_it_edits_a_briefs_details_as_the_edit_page_does(api, user, frozen_clock):
    brief, _token = make_brief()
    url = f"/api/v1/briefs/{brief.id}"
    etag = api.get(url).headers["ETag"]
    changed = api.patch(
        url,
        json={"title": "Whitening, v2", "launch_date": "2027-01-20"},
        headers={"If-Match": etag},
    )
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["title"], changed.get_json()["launch_date"]) == (
        "Whitening, v2",
        "2027-01-20",
    )
    kinds = db.session.scalars(
        db.select(Event.kind).where(Event.brief_id == brief.id, Event.actor_user_id == user.id)
    ).all()
    assert kinds == ["title_changed", "launch_date_changed"]
    assert api.patch(url, json={"title": "Late"}, headers={"If-Match": etag}).status_code == 412
    past = api.patch(url, json={"launch_date": "2026-10-01", "work_days": -1})
    assert past.status_code == 422
    assert {e["field"] for e in past.get_json()["errors"]} == {"launch_date", "work_days"}
    # Found by fuzzing: a null once reached the form straight from the JSON body (a 500).
    cleared = api.patch(url, json={"launch_date": None})
    assert cleared.status_code == 200 and cleared.get_json()["launch_date"] is None
    api.post(url + "/close")
    assert api.patch(url, json={"title": "Closed"}).status_code == 409
    assert db.session.get(Brief, brief.id).title == "Whitening, v2"
