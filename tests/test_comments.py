"""Comment threads: what a comment keeps of what was typed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from briefs.comments import clean_body
from briefs.extensions import db
from briefs.models import Comment
from tests.factories import fields_by_key, make_full_brief

pytestmark = pytest.mark.usefixtures("frozen_clock")


def test_it_takes_invisible_control_characters_out_of_a_comment(client):
    """PostgreSQL refuses a NUL in text: the comment would be lost with a 400 page."""
    brief, token = make_full_brief()
    name = fields_by_key(brief)["name"]
    typed = "Look\x00 here\x1b[31m\r\nplease\x07\tthanks\x85"
    response = client.post(f"/c/{token}/fields/{name.id}/comments", data={"body": typed})
    assert response.status_code == 302
    response = client.post(
        f"/c/{token}", data={"comment": str(name.id), f"comment-{name.id}": typed}
    )
    assert response.status_code == 302
    bodies = db.session.scalars(select(Comment.body)).all()
    assert bodies == ["Look here[31m\nplease\tthanks"] * 2


@pytest.mark.parametrize("raw", ["", "   ", "\x00\x07", "\r\n\x1b", "x" * 5001])
def test_it_refuses_a_comment_with_nothing_to_read_or_too_long(raw):
    assert clean_body(raw) is None
