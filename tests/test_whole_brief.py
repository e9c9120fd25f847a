"""The client form's loader reads a brief whole as its relationships would, in fixed queries."""

from __future__ import annotations

from sqlalchemy import select

from briefs.extensions import db
from briefs.models import Brief, BriefSection
from briefs.rules.tokens import hash_token
from briefs.whole_brief import BY_ID, BY_TOKEN_HASH, load_whole, whole
from tests.factories import make_long_brief


def _shape(brief: Brief) -> list:
    return [
        (section.id, section.position, [(f.id, f.position, f.key) for f in section.fields])
        for section in brief.sections
    ]


def test_the_brief_is_loaded_as_its_relationships_load_it(app):
    brief, token = make_long_brief(20)
    # Positions out of id order, so an order by id would show.
    sections = brief.sections
    sections[0].position, sections[-1].position = sections[-1].position, sections[0].position
    fields = sections[1].fields
    fields[0].position, fields[-1].position = fields[-1].position, fields[0].position
    db.session.commit()
    brief_id = brief.id
    db.session.remove()

    lazily = db.session.get(Brief, brief_id)
    expected = _shape(lazily)
    recipients = [c.id for c in lazily.recipients]
    db.session.remove()

    loaded = load_whole(BY_TOKEN_HASH, hash_token(token))
    assert _shape(loaded) == expected
    assert [c.id for c in loaded.recipients] == recipients
    assert loaded.client.name
    db.session.remove()
    assert _shape(load_whole(BY_ID, brief_id)) == expected
    assert load_whole(BY_TOKEN_HASH, hash_token("no-such-link")) is None


def test_after_a_commit_it_is_read_again_in_three_queries_at_any_size(app, count_queries):
    def reads_after_commit(count: int) -> list[str]:
        brief, token = make_long_brief(count, title=f"{count} questions")
        db.session.remove()
        loaded = load_whole(BY_TOKEN_HASH, hash_token(token))
        loaded.title = "Renamed"
        db.session.commit()  # expires every collection
        with count_queries() as statements:
            fields = [f.key for s in whole(loaded).sections for f in s.fields]
        assert len(fields) == count
        db.session.remove()
        return statements

    small, large = reads_after_commit(6), reads_after_commit(60)
    assert len(small) == len(large)
    # The brief's own row (expired), its recipients, its sections, their fields.
    assert len(large) == 4, large


def test_collections_the_session_holds_are_kept(app, count_queries):
    brief, _token = make_long_brief(6)
    brief_id = brief.id
    db.session.remove()
    loaded = db.session.scalars(select(Brief).where(Brief.id == brief_id)).one()
    extra = BriefSection(position=99, title="Added, not flushed")
    loaded.sections.append(extra)
    for section in loaded.sections:
        section.fields  # noqa: B018  (loads them)
    loaded.recipients  # noqa: B018
    with count_queries() as statements:
        assert whole(loaded) is loaded
    assert statements == []
    assert loaded.sections[-1] is extra
