"""Routes of the clients blueprint: clients, their contacts and their briefs."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from briefs import clock
from briefs.accounts import agency_settings
from briefs.auth.forms import timezone_choices
from briefs.clients.directory import client_briefs, client_rows
from briefs.clients.forms import ClientForm, ContactForm, ContactRemoveForm
from briefs.extensions import db
from briefs.labels import ROLE_LABELS, SIDE_LABELS, STATUS_BADGES, STATUS_LABELS
from briefs.mail.due_briefs import look_again
from briefs.models import Client, Contact
from briefs.paging import requested_page

bp = Blueprint("clients", __name__, url_prefix="/clients")


def _client_form(client: Client | None = None) -> ClientForm:
    form = ClientForm(obj=client)
    form.timezone.choices = timezone_choices()
    if client is None and not form.is_submitted():
        # A new client is most likely where the agency is, not at UTC.
        form.timezone.data = agency_settings().timezone
    return form


def _contact_of(client: Client, contact_id: int) -> Contact:
    """Return the client's contact, or 404 for a contact of anyone else."""
    contact = db.get_or_404(Contact, contact_id)
    if contact.client_id != client.id:
        abort(404)
    return contact


@bp.get("/")
@login_required
def index():
    """List clients with their contacts and open briefs, a page at a time."""
    rows, page = client_rows(requested_page(request.args))
    return render_template("clients/index.html", rows=rows, page=page)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Add a client."""
    form = _client_form()
    if form.validate_on_submit():
        client = Client(created_at=clock.utcnow())
        form.populate_obj(client)
        client.name = client.name.strip()
        db.session.add(client)
        db.session.commit()
        flash(_("Client added. Now add the people you deal with there."), "success")
        return redirect(url_for("clients.detail", client_id=client.id))
    return render_template("clients/edit.html", form=form, client=None)


@bp.get("/<int:client_id>")
@login_required
def detail(client_id: int):
    """Show one client: contacts and briefs."""
    client = db.get_or_404(Client, client_id)
    summaries, page = client_briefs(client, requested_page(request.args))
    return render_template(
        "clients/detail.html",
        client=client,
        summaries=summaries,
        page=page,
        role_labels=ROLE_LABELS,
        status_labels=STATUS_LABELS,
        status_badges=STATUS_BADGES,
        side_labels=SIDE_LABELS,
    )


@bp.route("/<int:client_id>/edit", methods=["GET", "POST"])
@login_required
def edit(client_id: int):
    """Change a client's name, time zone and notes."""
    client = db.get_or_404(Client, client_id)
    form = _client_form(client)
    if form.validate_on_submit():
        form.populate_obj(client)
        client.name = client.name.strip()
        # Chasing reads the client's time zone and people: its briefs are judged anew.
        look_again(client_id=client.id)
        db.session.commit()
        flash(_("Changes saved."), "success")
        return redirect(url_for("clients.detail", client_id=client.id))
    return render_template("clients/edit.html", form=form, client=client)


@bp.route("/<int:client_id>/contacts/new", methods=["GET", "POST"])
@login_required
def new_contact(client_id: int):
    """Add a person at the client."""
    client = db.get_or_404(Client, client_id)
    form = ContactForm()
    if form.validate_on_submit():
        contact = Contact()
        form.populate_obj(contact)
        contact.name = contact.name.strip()
        contact.email = contact.email.strip()
        client.contacts.append(contact)
        # Chasing reads the client's time zone and people: its briefs are judged anew.
        look_again(client_id=client.id)
        db.session.commit()
        flash(_("Contact added."), "success")
        return redirect(url_for("clients.detail", client_id=client.id))
    return render_template("clients/contact.html", form=form, client=client, contact=None)


@bp.route("/<int:client_id>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@login_required
def edit_contact(client_id: int, contact_id: int):
    """Change a contact's name, e-mail or role."""
    client = db.get_or_404(Client, client_id)
    contact = _contact_of(client, contact_id)
    form = ContactForm(obj=contact)
    if form.validate_on_submit():
        form.populate_obj(contact)
        contact.name = contact.name.strip()
        contact.email = contact.email.strip()
        # Chasing reads the client's time zone and people: its briefs are judged anew.
        look_again(client_id=client.id)
        db.session.commit()
        flash(_("Changes saved."), "success")
        return redirect(url_for("clients.detail", client_id=client.id))
    return render_template("clients/contact.html", form=form, client=client, contact=contact)


@bp.route("/<int:client_id>/contacts/<int:contact_id>/remove", methods=["GET", "POST"])
@login_required
def remove_contact(client_id: int, contact_id: int):
    """Ask, then remove a contact; briefs no longer go to them."""
    client = db.get_or_404(Client, client_id)
    contact = _contact_of(client, contact_id)
    form = ContactRemoveForm()
    if form.validate_on_submit():
        db.session.delete(contact)
        # Chasing reads the client's time zone and people: its briefs are judged anew.
        look_again(client_id=client.id)
        db.session.commit()
        flash(_("%(name)s was removed.", name=contact.name), "success")
        return redirect(url_for("clients.detail", client_id=client.id))
    return render_template("clients/remove_contact.html", form=form, client=client, contact=contact)
