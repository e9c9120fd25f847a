"""Personal API tokens on the account page: made, shown once, listed, revoked."""

from __future__ import annotations

import re

from briefs.accounts import create_user
from briefs.api_tokens import create_token
from briefs.extensions import db
from briefs.models import ApiToken
from briefs.rules.tokens import hash_token
from tests.factories import NOW, PASSWORD


def _secret(html: str) -> str:
    match = re.search(r'<code id="new-token">(brf_[\w-]+)</code>', html)
    assert match, "the new token is not shown"
    return match.group(1)


def test_it_makes_a_token_shown_once_and_stored_hashed(auth_client, user, frozen_clock):
    response = auth_client.post("/account/tokens", data={"name": "amoCRM", "scope": "write"})
    assert response.status_code == 200
    secret = _secret(response.get_data(as_text=True))
    # Shown in the success colours app.css defines (a bare "success" class has none).
    assert '<div class="flash flash-success" role="status">' in response.get_data(as_text=True)
    token = db.session.scalar(db.select(ApiToken))
    assert (token.name, token.scope, token.user_id) == ("amoCRM", "write", user.id)
    assert token.token_hash == hash_token(secret) and secret not in token.prefix
    page = auth_client.get("/account").get_data(as_text=True)
    assert "amoCRM" in page and secret not in page and "Never" in page
    used = auth_client.get("/api/v1/templates", headers={"Authorization": f"Bearer {secret}"})
    assert used.status_code == 200
    assert "Never" not in auth_client.get("/account").get_data(as_text=True)


def test_it_asks_for_a_name(auth_client):
    response = auth_client.post("/account/tokens", data={"name": " ", "scope": "read"})
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0


def test_it_revokes_a_token_at_once(auth_client):
    secret = _secret(
        auth_client.post("/account/tokens", data={"name": "n8n", "scope": "read"}).get_data(
            as_text=True
        )
    )
    token = db.session.scalar(db.select(ApiToken))
    response = auth_client.post(f"/account/tokens/{token.id}/revoke", follow_redirects=True)
    assert "is revoked" in response.get_data(as_text=True)
    assert "Revoked" in response.get_data(as_text=True)
    refused = auth_client.get("/api/v1/templates", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401


def test_it_keeps_teammates_tokens_apart(auth_client):
    mate = create_user(email="mate@agency.example", name="Mate", password=PASSWORD, now=NOW)
    token, _secret = create_token(mate, "Mate's", "read", NOW)
    db.session.commit()
    assert "Mate&#39;s" not in auth_client.get("/account").get_data(as_text=True)
    assert auth_client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_it_says_it_in_russian(auth_client, user):
    user.locale = "ru"
    db.session.commit()
    page = auth_client.get("/account").get_data(as_text=True)
    assert "API-ключи" in page and "Создать ключ" in page
