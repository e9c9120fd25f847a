"""Pages of a long list: which rows a page number selects, and the links around it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: Rows on one page of a list that can grow with the agency (clients, a client's briefs).
PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    """One page of a list: its number (from 1), its size and the total number of rows."""

    number: int
    size: int
    total: int

    @property
    def count(self) -> int:
        """How many pages the list has (at least one, even when empty)."""
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None


def requested_page(args: Mapping[str, str]) -> int:
    """Read `?page=` as a page number; anything else is the first page."""
    raw = args.get("page", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def clamp(number: int, total: int, size: int = PAGE_SIZE) -> Page:
    """Return the page for a number, moved back to the last page when past the end."""
    last = max(1, -(-total // size))
    return Page(number=min(number, last), size=size, total=total)
