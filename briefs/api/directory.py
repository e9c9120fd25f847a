"""API views of templates, clients and their contacts."""

from __future__ import annotations

from flask import Response, abort, jsonify, request
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from briefs import clock
from briefs.api import representation as rep
from briefs.api.auth import require_token
from briefs.api.cursors import decode, page, page_limit
from briefs.api.inputs import check, form_data, json_body
from briefs.api.problems import ApiProblem
from briefs.auth.forms import timezone_choices
from briefs.clients.forms import ClientForm, ContactForm
from briefs.extensions import db
from briefs.models import Brief, Client, Contact, Template

CLIENT_FIELDS = ("name", "timezone", "notes", "escalation_enabled", "weekly_digest")
CONTACT_FIELDS = ("name", "email", "role")


def with_etag(data: dict, status: int = 200) -> Response:
    """Answer with the representation and its ETag, for a later If-Match."""
    response = jsonify(data)
    response.status_code = status
    response.headers["ETag"] = rep.etag_of(data)
    return response


def check_if_match(current: dict) -> None:
    """Refuse a change made from an outdated copy (412), when the caller sent If-Match."""
    wanted = request.headers.get("If-Match")
    if (
        wanted
        and wanted.strip() != "*"
        and rep.etag_of(current) not in {tag.strip() for tag in wanted.split(",")}
    ):
        raise ApiProblem(
            412,
            "Precondition failed",
            "It changed since you read it; read it again and reapply your change.",
        )


def list_templates():
    """List the templates, oldest first (archived ones too, marked)."""
    require_token()
    templates = db.session.scalars(select(Template).order_by(Template.id)).all()
    return jsonify({"items": [rep.template_summary(t) for t in templates], "next_cursor": None})


def get_template(template_id: int):
    """One template with its sections and fields."""
    require_token()
    return jsonify(rep.template_detail(db.get_or_404(Template, template_id)))


def list_clients():
    """List clients by id, a page at a time (`cursor`, `limit`)."""
    require_token()
    limit, after = page_limit(request.args), decode(request.args.get("cursor"))
    query = select(Client).order_by(Client.id).limit(limit + 1)
    if after is not None:
        query = query.where(Client.id > after)
    if name := request.args.get("name"):
        query = query.where(func.lower(Client.name).contains(name.lower(), autoescape=True))
    clients = db.session.scalars(query).all()
    return jsonify(page([rep.client(c) for c in clients[:limit]], limit, len(clients) > limit))


def _client_form(values: dict) -> ClientForm:
    form = ClientForm(formdata=form_data(values), meta={"csrf": False})
    form.timezone.choices = timezone_choices()
    check(form)
    return form


def create_client():
    """Add a client, checked as the page checks it."""
    require_token()
    body = json_body(CLIENT_FIELDS, required=("name",))
    form = _client_form({"timezone": "UTC", "escalation_enabled": True} | body)
    company = Client(created_at=clock.utcnow())
    form.populate_obj(company)
    company.name = company.name.strip()
    db.session.add(company)
    db.session.commit()
    return with_etag(rep.client(company), 201)


def get_client(client_id: int):
    require_token()
    return with_etag(rep.client(db.get_or_404(Client, client_id)))


def update_client(client_id: int):
    """Change some of a client's values; If-Match guards against overwriting."""
    require_token()
    company = db.get_or_404(Client, client_id)
    current = rep.client(company)
    check_if_match(current)
    body = json_body(CLIENT_FIELDS)
    form = _client_form({key: current[key] for key in CLIENT_FIELDS} | body)
    form.populate_obj(company)
    company.name = company.name.strip()
    db.session.commit()
    return with_etag(rep.client(company))


def delete_client(client_id: int):
    """Delete a client with no briefs (a client with briefs keeps its record: 409)."""
    require_token()
    company = db.get_or_404(Client, client_id)
    check_if_match(rep.client(company))
    if db.session.scalar(select(Brief.id).where(Brief.client_id == company.id).limit(1)):
        raise ApiProblem(409, "Conflict", "The client has briefs; their record stays.")
    db.session.delete(company)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ApiProblem(409, "Conflict", "The client has briefs; their record stays.") from None
    return "", 204


def _contact_of(client_id: int, contact_id: int) -> Contact:
    person = db.get_or_404(Contact, contact_id)
    if person.client_id != client_id:
        abort(404)
    return person


def _contact_form(values: dict) -> ContactForm:
    form = ContactForm(formdata=form_data(values), meta={"csrf": False})
    check(form)
    return form


def create_contact(client_id: int):
    """Add a person at the client."""
    require_token()
    company = db.get_or_404(Client, client_id)
    body = json_body(CONTACT_FIELDS, required=("name", "email"))
    form = _contact_form({"role": "contact"} | body)
    person = Contact()
    form.populate_obj(person)
    person.name, person.email = person.name.strip(), person.email.strip()
    company.contacts.append(person)
    db.session.commit()
    return with_etag(rep.contact(person), 201)


def get_contact(client_id: int, contact_id: int):
    require_token()
    return with_etag(rep.contact(_contact_of(client_id, contact_id)))


def update_contact(client_id: int, contact_id: int):
    require_token()
    person = _contact_of(client_id, contact_id)
    current = rep.contact(person)
    check_if_match(current)
    body = json_body(CONTACT_FIELDS)
    form = _contact_form({key: current[key] for key in CONTACT_FIELDS} | body)
    form.populate_obj(person)
    person.name, person.email = person.name.strip(), person.email.strip()
    db.session.commit()
    return with_etag(rep.contact(person))


def delete_contact(client_id: int, contact_id: int):
    """Remove a contact, as the page does: briefs no longer go to them."""
    require_token()
    person = _contact_of(client_id, contact_id)
    check_if_match(rep.contact(person))
    db.session.delete(person)
    db.session.commit()
    return "", 204
