"""The client list and one client's briefs, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from briefs.extensions import db
from briefs.models import Brief, Client, Contact
from briefs.overview import BriefSummary, load_summaries


@dataclass(frozen=True)
class ClientRow:
    """One line of the client list."""

    client: Client
    contacts: int
    open_briefs: int


def client_rows() -> list[ClientRow]:
    """Return every client with its contact and open brief counts, in one query."""
    contacts = (
        select(func.count(Contact.id))
        .where(Contact.client_id == Client.id)
        .correlate(Client)
        .scalar_subquery()
    )
    open_briefs = (
        select(func.count(Brief.id))
        .where(Brief.client_id == Client.id, ~Brief.is_closed)
        .correlate(Client)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Client, contacts, open_briefs).order_by(func.lower(Client.name), Client.id)
    ).all()
    return [ClientRow(client, n_contacts, n_open) for client, n_contacts, n_open in rows]


def client_briefs(client: Client) -> list[BriefSummary]:
    """Return the client's briefs, newest first, with their progress."""
    briefs = db.session.scalars(
        select(Brief).where(Brief.client_id == client.id).order_by(Brief.created_at.desc())
    ).all()
    return load_summaries(briefs)
