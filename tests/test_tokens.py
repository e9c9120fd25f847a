"""Client link tokens: random, stored only as a hash, sealed with the secret key."""

from __future__ import annotations

import base64
import hashlib

from briefs.rules.tokens import TOKEN_BYTES, hash_token, new_token, seal, unseal


def raw_bytes(token: str) -> bytes:
    """Decode a URL-safe base64 token without padding."""
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def test_a_token_carries_at_least_32_random_bytes():
    token, _hash = new_token()
    assert TOKEN_BYTES >= 32
    assert len(raw_bytes(token)) >= 32
    assert token.replace("-", "").replace("_", "").isalnum()  # safe in a URL as it is


def test_tokens_do_not_repeat():
    tokens = {new_token()[0] for _ in range(200)}
    assert len(tokens) == 200


def test_only_the_sha256_of_the_token_is_stored():
    token, stored = new_token()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert stored == hash_token(token)
    assert len(stored) == 64 and token not in stored


def test_hash_is_stable_and_tells_tokens_apart():
    assert hash_token("abc") == hash_token("abc")
    assert hash_token("abc") != hash_token("abd")


def test_seal_and_unseal_round_trip():
    token, _ = new_token()
    sealed = seal(token, "secret key")
    assert token not in sealed
    assert unseal(sealed, "secret key") == token


def test_sealing_twice_gives_different_text_for_the_same_token():
    token, _ = new_token()
    first, second = seal(token, "k"), seal(token, "k")
    assert first != second
    assert unseal(first, "k") == unseal(second, "k") == token


def test_a_wrong_key_reads_nothing():
    sealed = seal(new_token()[0], "the old key")
    assert unseal(sealed, "the new key") is None


def test_damaged_or_missing_seals_read_nothing():
    token, _ = new_token()
    sealed = seal(token, "k")
    flipped = sealed[:-5] + ("A" if sealed[-5] != "A" else "B") + sealed[-4:]
    assert unseal(flipped, "k") is None
    assert unseal("not a sealed token", "k") is None
    assert unseal("жжж", "k") is None
    assert unseal("", "k") is None
    assert unseal(None, "k") is None
