"""Signing in and out: sessions that end when they should, limits on guessing, and the
same work for an unknown e-mail as for a known one."""

from __future__ import annotations

import pytest
from flask import g
from werkzeug import security

from briefs import accounts
from briefs.accounts import create_user
from briefs.extensions import db
from tests.conftest import login
from tests.factories import NOW, PASSWORD

NEW_PASSWORD = "a brand new passphrase"


def _copy_session(source, target) -> None:
    """Give another browser the same session cookie (a stolen or forgotten copy)."""
    target.set_cookie("session", source.get_cookie("session").value)


@pytest.fixture(autouse=True)
def _user_loaded_per_request(request) -> None:
    """Make each request load its user from its own cookies, as in production."""
    # The tests' app context outlives requests, and Flask-Login keeps the user it loaded
    # in g; several test clients in one context would otherwise share one user.
    if "app" in request.fixturenames:
        request.getfixturevalue("app").teardown_request(lambda exc: g.pop("_login_user", None))


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def _change_password(client, current: str = PASSWORD, new: str = NEW_PASSWORD):
    return client.post(
        "/account",
        data={
            "name": "Olga Owner",
            "locale": "en",
            "new_password": new,
            "current_password": current,
        },
    )


# Sessions ------------------------------------------------------------------------------


def test_it_refuses_a_copy_of_the_session_cookie_after_logout(app, auth_client, user):
    copy = app.test_client()
    _copy_session(auth_client, copy)
    assert _signed_in(copy)

    auth_client.post("/logout")

    assert not _signed_in(auth_client)
    response = copy.get("/")
    assert response.status_code == 302 and "/login" in response.location
    db.session.refresh(user)
    assert user.session_version == 1


def test_it_refuses_a_copy_of_the_session_cookie_after_a_password_change(app, auth_client, user):
    copy = app.test_client()
    _copy_session(auth_client, copy)

    response = _change_password(auth_client)

    assert response.status_code == 302
    assert _signed_in(auth_client)  # the browser that changed it stays signed in
    assert not _signed_in(copy)
    login(app.test_client(), user.email, NEW_PASSWORD)


def test_it_refuses_a_remember_me_cookie_after_a_password_change(app, client, user):
    client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    remembered = client.get_cookie("remember_token").value
    laptop = app.test_client()
    laptop.set_cookie("remember_token", remembered)
    assert _signed_in(laptop)  # no session cookie: the remember-me cookie signs it in

    elsewhere = app.test_client()
    login(elsewhere, user.email)
    assert _change_password(elsewhere).status_code == 302

    stale = app.test_client()
    stale.set_cookie("remember_token", remembered)
    assert not _signed_in(stale)


def test_the_browser_that_changed_the_password_gets_a_fresh_remember_me_cookie(app, client, user):
    client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    old = client.get_cookie("remember_token").value

    assert _change_password(client).status_code == 302

    new = client.get_cookie("remember_token").value
    assert new != old
    fresh = app.test_client()
    fresh.set_cookie("remember_token", new)
    assert _signed_in(fresh)


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("en", "This is not your current password. Please type it again."),
        ("ru", "Это не ваш текущий пароль. Пожалуйста, введите его ещё раз."),
    ],
)
def test_a_new_password_needs_the_current_one(auth_client, user, locale, message):
    user.locale = locale
    db.session.commit()
    old_hash = user.password_hash

    response = auth_client.post(
        "/account",
        data={
            "name": "Olga",
            "locale": locale,
            "new_password": NEW_PASSWORD,
            "current_password": "x",
        },
    )

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert (user.password_hash, user.session_version, user.name) == (old_hash, 0, "Olga Owner")


def test_saving_the_name_alone_asks_no_password_and_keeps_sessions(app, auth_client, user):
    copy = app.test_client()
    _copy_session(auth_client, copy)

    response = auth_client.post("/account", data={"name": "Olga O.", "locale": "en"})

    assert response.status_code == 302
    assert _signed_in(copy)
    db.session.refresh(user)
    assert user.name == "Olga O."


def test_sign_out_on_other_devices_keeps_this_one(app, auth_client, user):
    copy = app.test_client()
    _copy_session(auth_client, copy)

    auth_client.post("/account/sign-out-elsewhere")

    assert _signed_in(auth_client)
    assert not _signed_in(copy)


def test_a_session_from_before_the_session_version_is_refused(app, client, user):
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # what cookies held before migration 0009
        session["_fresh"] = True
    assert not _signed_in(client)


# Sign-in cost: an unknown e-mail hashes like a known one -----------------------------------


@pytest.fixture
def hash_checks(monkeypatch) -> list[str]:
    """Record the stored hash of every password check."""
    checked: list[str] = []
    real = security.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    return checked


@pytest.mark.parametrize(
    "email", ["owner@agency.example", "nobody@agency.example", "gone@agency.example"]
)
def test_every_failed_sign_in_hashes_once_with_the_same_method(client, user, hash_checks, email):
    gone = create_user(email="gone@agency.example", name="Gone", password=PASSWORD, now=NOW)
    gone.active = False
    db.session.commit()
    password = "wrong password" if email == user.email else PASSWORD

    response = client.post("/login", data={"email": email, "password": password})

    assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert len(hash_checks) == 1
    method = user.password_hash.split("$", 1)[0]
    assert hash_checks[0].split("$", 1)[0] == method
    if email == "nobody@agency.example":
        assert hash_checks[0] not in {user.password_hash, gone.password_hash}


# Rate limits -------------------------------------------------------------------------------


def test_sign_in_tries_are_limited_per_account_from_any_address(limited_app):
    owner = create_user(email="owner@agency.example", name="Olga", password=PASSWORD, now=NOW)
    create_user(email="ivan@agency.example", name="Ivan", password=PASSWORD, now=NOW)
    db.session.commit()
    client = limited_app.test_client()

    def attempt(address: str, email: str = owner.email, password: str = "guess"):
        return client.post(
            "/login",
            data={"email": email, "password": password},
            environ_base={"REMOTE_ADDR": address},
        ).status_code

    codes = [attempt(f"203.0.113.{i}") for i in range(10)]
    assert codes == [200] * 10
    # An eleventh address, and the right password, changes nothing for a minute.
    assert attempt("203.0.113.99", password=PASSWORD) == 429
    assert attempt("203.0.113.99", email=" OWNER@agency.example ") == 429
    # Another account is not locked out, from the same addresses.
    assert attempt("203.0.113.1", email="ivan@agency.example", password=PASSWORD) == 302


def test_the_too_many_attempts_page_says_so_in_its_title_too(limited_app):
    client = limited_app.test_client()
    create_user(email="owner@agency.example", name="Olga", password=PASSWORD, now=NOW)
    db.session.commit()
    for _ in range(11):
        response = client.post(
            "/login",
            data={"email": "owner@agency.example", "password": "guess"},
            headers={"Accept-Language": "ru"},
        )
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    # The browser's tab names the problem, not the bare code "429".
    assert "<title>Слишком много попыток</title>" in page
    assert "<h1>Слишком много попыток</h1>" in page


def test_sign_in_tries_from_one_address_are_limited_across_accounts(limited_app):
    create_user(email="owner@agency.example", name="Olga", password=PASSWORD, now=NOW)
    db.session.commit()
    client = limited_app.test_client()

    def attempt(address: str, email: str, password: str = "guess"):
        return client.post(
            "/login",
            data={"email": email, "password": password},
            environ_base={"REMOTE_ADDR": address},
        ).status_code

    codes = [attempt("198.51.100.7", f"user{i}@agency.example") for i in range(30)]
    assert codes == [200] * 30
    assert attempt("198.51.100.7", "owner@agency.example", PASSWORD) == 429
    assert attempt("198.51.100.8", "owner@agency.example", PASSWORD) == 302


def test_guessing_the_current_password_is_limited_like_signing_in(limited_app):
    owner = create_user(email="owner@agency.example", name="Olga", password=PASSWORD, now=NOW)
    db.session.commit()
    client = limited_app.test_client()
    login(client, owner.email)

    codes = [_change_password(client, current=f"guess {i}").status_code for i in range(10)]

    assert codes == [422] * 10
    assert _change_password(client).status_code == 429
