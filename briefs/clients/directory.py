"""The client list and one client's briefs, a page at a time, each in a fixed number of
queries: counts come from aggregate SQL, never from rows loaded into Python."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from briefs.extensions import db
from briefs.models import Brief, Client, Contact
from briefs.overview import BriefSummary, load_summaries
from briefs.paging import Page, clamp


@dataclass(frozen=True)
class ClientRow:
    """One line of the client list."""

    client: Client
    contacts: int
    open_briefs: int


def client_rows(page_number: int = 1) -> tuple[list[ClientRow], Page]:
    """Return one page of clients with their contact and open brief counts (two queries)."""
    page = clamp(page_number, db.session.scalar(select(func.count(Client.id))) or 0)
    # Counted per listed client only, through the client_id indexes: the page costs the
    # same however many briefs and contacts the other clients have.
    contacts = (
        select(func.count())
        .select_from(Contact)
        .where(Contact.client_id == Client.id)
        .correlate(Client)
        .scalar_subquery()
    )
    open_briefs = (
        select(func.count())
        .select_from(Brief)
        .where(Brief.client_id == Client.id, ~Brief.is_closed)
        .correlate(Client)
        .scalar_subquery()
    )
    listed = (
        select(Client.id)
        .order_by(func.lower(Client.name), Client.id)
        .limit(page.size)
        .offset(page.offset)
        .subquery()
    )
    rows = db.session.execute(
        select(Client, contacts, open_briefs)
        .join(listed, listed.c.id == Client.id)
        .order_by(func.lower(Client.name), Client.id)
    ).all()
    return [ClientRow(client, n_contacts, n_open) for client, n_contacts, n_open in rows], page


def client_briefs(client: Client, page_number: int = 1) -> tuple[list[BriefSummary], Page]:
    """Return one page of the client's briefs, newest first, with their progress."""
    total = db.session.scalar(select(func.count(Brief.id)).where(Brief.client_id == client.id))
    page = clamp(page_number, total or 0)
    briefs = db.session.scalars(
        select(Brief)
        .where(Brief.client_id == client.id)
        .order_by(Brief.created_at.desc(), Brief.id.desc())
        .limit(page.size)
        .offset(page.offset)
    ).all()
    return load_summaries(briefs), page
