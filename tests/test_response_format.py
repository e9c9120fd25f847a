"""Telling a script that reads JSON from a browser that reads pages."""

from __future__ import annotations

import pytest
from flask import Flask

from briefs.response_format import wants_json

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Accept": "application/json"}, True),
        ({"Accept": "application/json, */*;q=0.5"}, True),
        ({"Accept": "application/*"}, True),
        ({"Accept": BROWSER}, False),
        ({"Accept": "*/*"}, False),
        ({}, False),
        ({"Accept": "text/html, application/json"}, False),
        ({"Content-Type": "application/json"}, True),
    ],
)
def test_it_answers_json_only_to_who_prefers_or_sends_it(headers, expected):
    with Flask(__name__).test_request_context("/", headers=headers):
        assert wants_json() is expected
