"""Which briefs the dashboard shows: the filters read from the query string.

Pure: unknown or malformed values are dropped, so a hand-edited URL never fails.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

#: Statuses the status filter offers; no status means "every open brief".
STATUS_FILTERS = ("draft", "sent", "submitted", "closed")
#: Whose move the move filter offers; "none" is nothing pending.
SIDE_FILTERS = ("client", "agency", "none")
#: Launch risks the risk filter offers.
RISK_FILTERS = ("late", "at_risk", "on_track")
#: A longer client search is cut here: no name is this long.
MAX_SEARCH = 100


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters: a client, a status, whose move, a risk, an owner; each optional."""

    client_id: int | None = None
    #: One of STATUS_FILTERS, or None for every brief that is not closed.
    status: str | None = None
    #: One of SIDE_FILTERS.
    side: str | None = None
    #: One of RISK_FILTERS.
    risk: str | None = None
    #: The teammate who created the brief.
    owner_id: int | None = None
    #: Part of a client's name (the search box that replaces the menu of many clients).
    client_name: str | None = None

    @property
    def active(self) -> bool:
        """Tell whether anything narrows the default list of open briefs."""
        return any(
            value is not None
            for value in (
                self.client_id,
                self.client_name,
                self.status,
                self.side,
                self.risk,
                self.owner_id,
            )
        )

    def query_args(self) -> dict[str, str | int]:
        """Return the filters as query arguments, the ones set only (for the pager's links)."""
        args = {
            "client": self.client_id,
            "client_name": self.client_name,
            "status": self.status,
            "move": self.side,
            "risk": self.risk,
            "owner": self.owner_id,
        }
        return {name: value for name, value in args.items() if value is not None}


def _known_id(raw: str | None, known: Collection[int]) -> int | None:
    raw = (raw or "").strip()
    number = int(raw) if raw.isascii() and raw.isdigit() else None
    return number if number in known else None


def _search(raw: str | None) -> str | None:
    text = (raw or "").strip()[:MAX_SEARCH]
    return text or None


def _choice(raw: str | None, known: Collection[str]) -> str | None:
    return raw if raw in known else None


def parse_filters(
    args: Mapping[str, str],
    client_ids: Collection[int] = (),
    owner_ids: Collection[int] = (),
    chosen_name: str | None = None,
) -> Filters:
    """Read the filters from query arguments, ignoring values that match nothing known.

    `chosen_name` is the name of the client `?client=` names. The search box that
    replaces the menu of many clients is sent with that client's id beside it: while the
    box still holds the name, the client stays chosen by id (a search for the name would
    also find every client whose name contains it); other text, or none, is searched.
    """
    client_id = _known_id(args.get("client"), client_ids)
    client_name = _search(args.get("client_name"))
    if client_id is not None and "client_name" in args:
        if client_name == _search(chosen_name):
            client_name = None
        else:
            client_id = None
    return Filters(
        client_id=client_id,
        client_name=client_name,
        status=_choice(args.get("status"), STATUS_FILTERS),
        side=_choice(args.get("move"), SIDE_FILTERS),
        risk=_choice(args.get("risk"), RISK_FILTERS),
        owner_id=_known_id(args.get("owner"), owner_ids),
    )
