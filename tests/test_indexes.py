"""Every foreign key is indexed, so a page that joins or filters on it never scans a table."""

from sqlalchemy import UniqueConstraint

import briefs.models  # noqa: F401  (registers every table on the metadata)
from briefs.extensions import db


def _leading_columns(table) -> set[str]:
    """Columns that some index, unique constraint or the primary key starts with."""
    starts = {index.columns[0].name for index in table.indexes if index.columns}
    starts |= {
        list(constraint.columns)[0].name
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint) and constraint.columns
    }
    if table.primary_key.columns:
        starts.add(list(table.primary_key.columns)[0].name)
    return starts


def test_every_foreign_key_column_leads_an_index():
    unindexed = [
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        for column in table.columns
        if column.foreign_keys and column.name not in _leading_columns(table)
    ]
    assert unindexed == []
