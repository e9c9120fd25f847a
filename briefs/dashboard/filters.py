"""Which briefs the dashboard shows: the filters read from the query string.

Pure: unknown or malformed values are dropped, so a hand-edited URL never fails.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

#: Statuses the status filter offers; no status means "every open brief".
STATUS_FILTERS = ("draft", "sent", "submitted", "closed")


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters: a client and a status, each optional."""

    client_id: int | None = None
    #: One of STATUS_FILTERS, or None for every brief that is not closed.
    status: str | None = None

    @property
    def active(self) -> bool:
        """Tell whether anything narrows the default list of open briefs."""
        return self.client_id is not None or self.status is not None


def parse_filters(args: Mapping[str, str], client_ids: Collection[int] = ()) -> Filters:
    """Read the filters from query arguments, ignoring values that match nothing known."""
    status = args.get("status") or None
    if status not in STATUS_FILTERS:
        status = None
    raw_client = (args.get("client") or "").strip()
    client_id = int(raw_client) if raw_client.isascii() and raw_client.isdigit() else None
    if client_id not in client_ids:
        client_id = None
    return Filters(client_id=client_id, status=status)
