"""Names found by a part of them, whatever the letters' case, in any alphabet.

SQLite's lower() and LIKE fold ASCII letters only, so «улыбка» would not find «Улыбка»:
on SQLite the text is lowered by a function every connection registers
(extensions.UNICODE_LOWER); PostgreSQL's own lower() folds every alphabet already.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from briefs.extensions import UNICODE_LOWER


class folded(FunctionElement):  # noqa: N801 (an SQL function, named like one)
    """lower() over every alphabet: PostgreSQL's lower(), SQLite's registered one."""

    type = String()
    inherit_cache = True


@compiles(folded)
def _folded_default(element, compiler, **kw) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _folded_sqlite(element, compiler, **kw) -> str:
    return f"{UNICODE_LOWER}({compiler.process(element.clauses, **kw)})"


def name_contains(column: ColumnElement[str], text: str) -> ColumnElement[bool]:
    """Return the SQL test that `column` contains `text`, ignoring case in any alphabet
    (LIKE's own wildcards in `text` are matched as themselves)."""
    return folded(column).contains(text.lower(), autoescape=True)
