"""The export routes: the brief as a Markdown download, and its HTML preview."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from briefs.exports.assemble import export_words
from briefs.extensions import db
from briefs.models import BriefField, Upload
from briefs.workflow import Actor, review, save_answer
from tests.factories import NOW, PASSWORD, make_brief, make_template
from tests.markdown_reading import answer_text, list_items, outline

CLIENT = Actor.client("Ivan")
SCRIPT = "<script>alert('x')</script>\n# Not a heading\n---"


def fields_of(brief) -> dict[str, BriefField]:
    return {field.key: field for section in brief.sections for field in section.fields}


def answer(field: BriefField, value: str, *, not_applicable: bool = False) -> None:
    save_answer(field, value, not_applicable=not_applicable, actor=CLIENT, now=NOW)
    db.session.commit()


def add_upload(brief, field: BriefField, name: str, *, removed: bool = False) -> Upload:
    upload = Upload(
        brief_id=brief.id,
        field_id=field.id,
        stored_name=f"stored-{name}",
        original_name=name,
        size=10,
        content_type="application/pdf",
        sha256="0" * 64,
        uploaded_by="Ivan",
        created_at=NOW,
        removed_at=NOW if removed else None,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def test_anonymous_visitor_is_sent_to_login(client, app):
    brief, _token = make_brief()
    for url in (f"/briefs/{brief.id}/export.md", f"/briefs/{brief.id}/preview"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.location.startswith("/login")


def test_unknown_brief_is_404(auth_client):
    assert auth_client.get("/briefs/999/export.md").status_code == 404
    assert auth_client.get("/briefs/999/preview").status_code == 404


def test_download_headers_name_the_file_after_the_title(auth_client):
    brief, _token = make_brief()
    response = auth_client.get(f"/briefs/{brief.id}/export.md")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"teeth-whitening-page.md\"; filename*=UTF-8''teeth-whitening-page.md"
    )


def test_cyrillic_title_keeps_a_readable_name(auth_client):
    brief, _token = make_brief(title="Страница «Отбеливание зубов»", locale="ru")
    disposition = auth_client.get(f"/briefs/{brief.id}/export.md").headers["Content-Disposition"]
    ascii_part, utf8_part = disposition.split("; filename*=UTF-8''")
    assert ascii_part == 'attachment; filename="stranitsa-otbelivanie-zubov.md"'
    assert unquote(utf8_part) == "страница-отбеливание-зубов.md"
    assert disposition.isascii()


def test_title_without_letters_still_gets_a_name(auth_client):
    brief, _token = make_brief(title="!!! ???")
    disposition = auth_client.get(f"/briefs/{brief.id}/export.md").headers["Content-Disposition"]
    assert f'filename="brief-{brief.id}.md"' in disposition
    assert f"filename*=UTF-8''brief-{brief.id}.md" in disposition


def test_export_holds_the_saved_answers(auth_client, user):
    brief, _token = make_brief()
    fields = fields_of(brief)
    answer(fields["name"], "Whitening *Pro*")
    answer(fields["what"], SCRIPT)
    answer(fields["channels"], "Search\nAds")
    answer(fields["who"], "n/a", not_applicable=True)
    review(fields["name"], "changes_requested", "Which brand?", Actor.user(user), NOW)
    db.session.commit()

    body = auth_client.get(f"/briefs/{brief.id}/export.md").get_data(as_text=True)
    parts = outline(body)
    assert [(p.level, p.text) for p in parts] == [
        (1, "Teeth whitening page"),
        (2, "The service"),
        (3, "Service name"),
        (3, "What exactly is done"),
        (3, "Price"),
        (2, "Audience"),
        (3, "Where customers come from"),
        (3, "Who it is for"),
    ]
    assert "- **Client:** Acme Dental\n" in body
    assert "- **Created:** 2026-11-02\n" in body
    assert "- **Launch date:** 2026-12-15\n" in body
    assert "Answered 3 of 4 required questions; 1 missing." in body
    assert answer_text(parts[2].body) == "Whitening *Pro*"
    assert "> **The agency asked for changes**  \n> Which brand?" in body
    assert answer_text(parts[3].body) == SCRIPT
    assert "_No answer (optional)_" in body
    assert list_items(parts[6].body) == ["Search", "Ads"]
    assert "### Who it is for\n\n_Not applicable_\n" in body
    assert body == auth_client.get(f"/briefs/{brief.id}/export.md").get_data(as_text=True)


def test_files_link_to_the_download_route_and_skip_removed_ones(auth_client):
    template = make_template(
        sections=[("Proof", [{"key": "certs", "label": "Certificates", "type": "file"}])]
    )
    brief, _token = make_brief(template)
    field = fields_of(brief)["certs"]
    kept = add_upload(brief, field, "licence (1).pdf")
    gone = add_upload(brief, field, "old.pdf", removed=True)
    answer(field, f"{kept.id}\n{gone.id}")

    body = auth_client.get(f"/briefs/{brief.id}/export.md").get_data(as_text=True)
    url = f"http://localhost/briefs/{brief.id}/files/{kept.id}"
    assert f"- [licence (1).pdf]({url})\n" in body
    assert "old.pdf" not in body


def test_export_runs_a_fixed_number_of_queries(auth_client, count_queries):
    def queries_for(field_count: int) -> int:
        specs = [{"key": f"f{i}", "label": f"Q{i}", "type": "file"} for i in range(field_count)]
        brief, _token = make_brief(make_template(sections=[("S", specs)]))
        for field in fields_of(brief).values():
            upload = add_upload(brief, field, f"{brief.id}-{field.key}.pdf")
            answer(field, str(upload.id))
        with count_queries() as statements:
            assert auth_client.get(f"/briefs/{brief.id}/export.md").status_code == 200
        return len(statements)

    assert 0 < queries_for(2) == queries_for(12)


def test_preview_shows_the_export_and_never_a_client_script(auth_client):
    brief, _token = make_brief()
    answer(fields_of(brief)["what"], SCRIPT)
    response = auth_client.get(f"/briefs/{brief.id}/preview")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page or (
        "&lt;script&gt;alert('x')&lt;/script&gt;" in page
    )
    assert "<h1>Teeth whitening page</h1>" in page
    assert "<h3>What exactly is done</h3>" in page
    assert f'href="/briefs/{brief.id}/export.md"' in page
    assert f'href="/briefs/{brief.id}"' in page
    assert "Download .md" in page


def test_words_follow_the_number_of_required_questions(app):
    with app.test_request_context():
        words = export_words()
    assert words.progress(1, 1, 0) == "Answered 1 of 1 required question; 0 missing."
    assert words.progress(7, 12, 5) == "Answered 7 of 12 required questions; 5 missing."
    assert (words.missing, words.not_applicable) == ("Missing", "Not applicable")


@pytest.mark.browser
def test_preview_page_in_a_browser(page, live_server, user):
    brief, _token = make_brief()
    fields = fields_of(brief)
    answer(fields["what"], "Line one\nLine two\n\n# Not a heading\n<b>bold?</b>")
    answer(fields["channels"], "Search\nReferrals")
    review(fields["what"], "changes_requested", "Please add the price list.", Actor.user(user), NOW)
    db.session.commit()
    page.goto(f"{live_server}/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/briefs/{brief.id}/preview")
    article = page.locator("article.export-preview")
    assert article.locator("h3").all_inner_texts() == [
        "Service name",
        "What exactly is done",
        "Price",
        "Where customers come from",
        "Who it is for",
    ]
    assert "# Not a heading" in article.inner_text()
    assert article.locator("b").count() == 0
    shots = Path("/tmp/shots")
    shots.mkdir(exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(shots / f"exports-preview-{width}.png"), full_page=True)
    link = page.get_by_role("link", name="Download .md")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "teeth-whitening-page.md"
