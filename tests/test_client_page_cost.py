"""The client's page costs the same at any size: a fixed number of queries, help Markdown
rendered once per text, repeated words translated once, and compressed when accepted."""

from __future__ import annotations

import gzip
import re

import markdown
import pytest
from sqlalchemy import event

from briefs import formatting
from briefs.extensions import db
from tests.factories import make_brief, make_long_brief, make_template


def test_query_count_is_the_same_for_10_and_60_fields(client, count_queries):
    _short, short_token = make_long_brief(10, title="Short")
    _long, long_token = make_long_brief(60, title="Long")
    with count_queries(fresh_session=True) as at_10:
        assert client.get(f"/c/{short_token}").status_code == 200
    with count_queries(fresh_session=True) as at_60:
        page = client.get(f"/c/{long_token}")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('class="q"') == 60
    assert 0 < len(at_10) == len(at_60)


def test_help_markdown_is_rendered_once_per_text(client, monkeypatch):
    calls: list[str] = []
    original = markdown.markdown

    def counting(text, **kwargs):
        calls.append(text)
        return original(text, **kwargs)

    monkeypatch.setattr(formatting.md, "markdown", counting)
    help_text = "Tell us **once**, in _your_ words; see <https://example.com>."
    sections = [
        ("One", [{"key": f"a{i}", "label": f"A {i}", "help": help_text} for i in range(5)]),
        ("Two", [{"key": f"b{i}", "label": f"B {i}", "help": help_text} for i in range(5)]),
    ]
    template = make_template("Same help", sections)
    _first, first_token = make_brief(template, title="First")
    _second, second_token = make_brief(template, title="Second")
    first = client.get(f"/c/{first_token}").get_data(as_text=True)
    second = client.get(f"/c/{second_token}").get_data(as_text=True)
    assert calls.count(help_text) <= 1  # ten fields on two briefs: rendered at most once
    rendered = "Tell us <strong>once</strong>, in <em>your</em> words"
    assert first.count(rendered) == second.count(rendered) == 10
    assert 'rel="noopener noreferrer nofollow"' in first


def test_repeated_words_are_translated_and_escaped_as_before(client):
    _brief, token = make_long_brief(12, locale="ru")
    page = client.get(f"/c/{token}").get_data(as_text=True)
    assert page.count("(обязательный)") == 12
    assert "Пример: Our clinic has worked in the city centre since 2009." in page
    # The agency is "Pixel & Co" (conftest): the name is escaped, the sentence is not.
    assert page.count("Ваш комментарий (его увидит Pixel &amp; Co)") == 12
    assert "Передать коллеге вопросы раздела «Section 1»" in page


def test_a_gzip_accepting_request_gets_the_page_compressed(client):
    _brief, token = make_long_brief(30)
    plain = client.get(f"/c/{token}")
    assert "Content-Encoding" not in plain.headers
    packed = client.get(f"/c/{token}", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    body = gzip.decompress(packed.get_data())
    assert body.count(b'class="q"') == 30
    assert len(packed.get_data()) < len(body) / 4


def test_styles_and_scripts_are_compressed_and_their_files_closed(client):
    # Static files are read whole (they are small) so that gzip applies and no file stays
    # open; a warning about an unclosed file fails this test.
    for asset in ("/static/css/client.css", "/static/js/client.js"):
        response = client.get(asset, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "gzip", asset
        assert len(gzip.decompress(response.get_data())) > len(response.get_data())
        response.close()


def test_downloads_and_short_answers_are_sent_as_they_are(auth_client):
    brief, _token = make_long_brief(30)
    tiny = auth_client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in tiny.headers  # under 500 bytes: not worth it
    archive = auth_client.get(f"/briefs/{brief.id}/export.zip", headers={"Accept-Encoding": "gzip"})
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    assert "Content-Encoding" not in archive.headers
    assert archive.get_data()[:2] == b"PK"
    archive.close()


def test_an_autosave_answers_from_memory_in_the_same_queries_for_10_and_60_fields(
    client, count_queries
):
    short, short_token = make_long_brief(10, title="Short")
    long, long_token = make_long_brief(60, title="Long")

    def autosave(brief, token) -> list[str]:
        field = brief.sections[0].fields[0]
        url = f"/c/{token}/fields/{field.id}"
        with count_queries(fresh_session=True) as statements:
            reply = client.post(url, data={f"f-{field.id}": "Whitening"})
        assert reply.status_code == 200
        body = reply.get_json()
        assert body["ok"] and body["revision"] == 1 and body["value"] == "Whitening"
        assert body["progress"]["answered"] == 1
        return statements

    at_10, at_60 = autosave(short, short_token), autosave(long, long_token)
    assert len(at_10) == len(at_60)
    # Nothing is read again after the commit: the reply is built from what the save had.
    # The brief is loaded whole in four queries (with its client; its recipients; its
    # sections; their fields: briefs.whole_brief). The stored summary is counted from those
    # objects (briefs.loaded_state proves them current): the fields are read once, by the
    # load, with no aggregate over them; only the comments are read; then its UPDATE is the
    # last statement.
    reads = [s for s in at_60 if s.lstrip().upper().startswith("SELECT")]
    assert len([s for s in reads if "FROM brief_section" in s]) == 1
    assert len([s for s in reads if s.startswith("SELECT brief.id, brief.client_id")]) == 1
    assert len([s for s in reads if "FROM brief_field" in s]) == 1
    # The brief; its recipients; its sections; its fields; webhook endpoints; comments.
    assert len(reads) == 6, reads
    assert at_60[-1].startswith("UPDATE brief SET required_count")


#: Tables that hold a row or a few whatever the agency's size: reading them whole is fine.
SMALL_TABLES = {"agency_settings", "chain_head", "webhook_endpoint"}


def _plans(app, send) -> dict[str, list[str]]:
    """Run `send` and return SQLite's plan of each SELECT it made, by statement."""
    seen: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("reads SQLite's query plans; PostgreSQL plans by its statistics")
        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            send()
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        with db.engine.connect() as connection:
            return {
                statement: [
                    row[-1]
                    for row in connection.exec_driver_sql(
                        "EXPLAIN QUERY PLAN " + statement, parameters
                    )
                ]
                for statement, parameters in seen
            }


def test_the_client_pages_read_no_growing_table_whole(app, client):
    """Each query of the form, its autosave and its full save finds its rows by an index:
    a nested join once had SQLite scan every brief's recipients on each autosave."""
    brief, token = make_long_brief(12)
    field = brief.sections[0].fields[0]
    db.session.commit()

    def send() -> None:
        assert client.get(f"/c/{token}").status_code == 200
        saved = client.post(f"/c/{token}/fields/{field.id}", data={f"f-{field.id}": "Yes"})
        assert saved.status_code == 200
        assert client.post(f"/c/{token}", data={f"f-{field.id}": "Again"}).status_code == 302

    plans = _plans(app, send)
    assert plans
    scans = {
        statement[:90]: line
        for statement, lines in plans.items()
        for line in lines
        if line.startswith("SCAN ") and _table(line.split()[1]) not in SMALL_TABLES | {None}
    }
    assert not scans, scans


def _table(name: str) -> str | None:
    """The table a plan's SCAN reads ("contact_1" is an alias of contact); None for what is
    not a table: a subquery's own result ("anon_1", "(subquery-1)"), whose reads are planned
    apart, and SQLite's one constant row."""
    if name.startswith(("anon_", "(")) or name == "CONSTANT":
        return None
    return re.sub(r"_\d+$", "", name)
