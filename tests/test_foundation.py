"""The app starts, reports health, guards agency pages and shows its own 404 page."""

import pytest

from briefs.extensions import db
from briefs.models import User
from tests.factories import PASSWORD


def test_healthz_round_trips_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_unknown_url_gets_the_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_setup_creates_owner_then_is_gone(client, app):
    page = client.get("/setup")
    assert page.status_code == 200
    response = client.post(
        "/setup",
        data={
            "agency_name": "Pixel & Co",
            "name": "Olga",
            "email": "Olga@Agency.example",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "timezone": "Europe/Moscow",
            "default_locale": "ru",
        },
    )
    assert response.status_code == 302
    owner = db.session.scalar(db.select(User))
    assert owner.email == "olga@agency.example" and owner.is_owner
    assert client.get("/setup").status_code == 404


@pytest.mark.parametrize(("browser", "offered"), [("ru-RU,ru;q=0.9", "ru"), ("en-US", "en")])
def test_setup_offers_the_language_the_page_is_shown_in(client, browser, offered):
    # Shown in Russian to a Russian browser, the form must not quietly make the agency
    # (its account, its clients' forms and mail) English unless the owner spots the list.
    page = client.get("/setup", headers={"Accept-Language": browser})
    assert f'<option selected value="{offered}">' in page.get_data(as_text=True)


def test_setup_keeps_typed_values_on_error(client):
    response = client.post(
        "/setup",
        data={"agency_name": "Pixel", "name": "Olga", "email": "not-an-email", "password": "x"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Pixel"' in body and 'value="not-an-email"' in body
    assert "At least 8 characters." in body
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_login_redirects_to_setup_when_nobody_exists(client):
    response = client.get("/login")
    assert response.status_code == 302 and response.location.endswith("/setup")


def test_wrong_password_is_refused(client, user):
    response = client.post("/login", data={"email": user.email, "password": "nope nope"})
    assert response.status_code == 200
    assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert "/login" in client.get("/").location  # still signed out


def test_agency_pages_refuse_anonymous_visitors(client, user):
    for url in ("/", "/team", "/settings", "/account", "/clients/", "/templates/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.location, url


def test_users_create_reads_password_from_stdin(runner, app):
    result = runner.invoke(
        args=["users", "create", "--email", "a@b.example", "--name", "Anna"],
        input="long enough pw\n",
    )
    assert result.exit_code == 0, result.output
    assert "owner" in result.output
    result = runner.invoke(
        args=["users", "create", "--email", "a@b.example", "--name", "Anna"], input="another pw\n"
    )
    assert result.exit_code == 1


def test_forms_refuse_a_missing_csrf_token(app, client, user):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    assert "/login" in client.get("/").location  # the right password did not sign in


def test_https_base_url_makes_cookies_secure_and_proxies_are_trusted_when_told(
    tmp_path, monkeypatch
):
    from briefs import create_app

    monkeypatch.setenv("BASE_URL", "https://briefs.agency.example")
    monkeypatch.setenv("PROXY_COUNT", "1")
    app = create_app(
        {"SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    from werkzeug.middleware.proxy_fix import ProxyFix

    assert isinstance(app.wsgi_app, ProxyFix)


def test_pages_carry_security_headers_and_downloads_keep_their_own(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_showing_a_live_link_are_not_stored(auth_client, frozen_clock):
    from tests.factories import make_brief

    brief, token = make_brief()
    # The brief page (where the link is copied from), also after a new link is made.
    assert auth_client.get(f"/briefs/{brief.id}").headers["Cache-Control"] == "no-store"
    response = auth_client.post(f"/briefs/{brief.id}/link/regenerate", follow_redirects=True)
    assert response.headers["Cache-Control"] == "no-store"
    # The client's form itself.
    assert auth_client.get(f"/c/{token}").headers["Cache-Control"] == "no-store"
    # A page without a link may be kept as usual.
    assert "no-store" not in auth_client.get("/").headers.get("Cache-Control", "")


def test_hsts_only_when_base_url_is_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    app.config["BASE_URL"] = "https://briefs.agency.example"
    hsts = client.get("/login").headers["Strict-Transport-Security"]
    assert hsts == "max-age=31536000; includeSubDomains"
