"""Every agency page, present and future, refuses an anonymous visitor."""

import re

#: Endpoints anyone may reach: signing in, the first-run setup, the client's form by
#: its secret link, static files and the health check; and the metrics, which answer
#: only a token or this machine (tests/test_observability.py).
PUBLIC = re.compile(
    r"^(auth\.(login|setup|logout)|client_form\..*|status_page\..*|static|health\..*"
    r"|observability\.metrics)$"
)
#: The REST API answers with its own gate, a bearer token (401 problem+json, never a
#: sign-in redirect): tests/test_api.py walks url_map for it the same way.
API = re.compile(r"^api\.")


def test_every_agency_route_sends_anonymous_visitors_to_sign_in(app, client, user):
    checked = 0
    for rule in app.url_map.iter_rules():
        if PUBLIC.match(rule.endpoint) or API.match(rule.endpoint):
            continue
        url = re.sub(r"<any\((\w+)[^>]*>", r"\1", rule.rule)  # <any(up, down):d> → up
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "en" if m.group(1) == "locale" else "1",
                     url)  # fmt: skip
        url = url.replace("/settings/wording/1/1", "/settings/wording/reminder/en")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url, response.status_code)
            assert "/login" in response.location, (method, url)
            checked += 1
    assert checked > 40  # the test would pass vacuously if routes were not found


def test_unknown_ids_get_the_404_page_not_an_error(app, auth_client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if (
            "GET" not in rule.methods
            or not rule.arguments
            or PUBLIC.match(rule.endpoint)
            or API.match(rule.endpoint)
        ):
            continue
        url = re.sub(r"<any\((\w+)[^>]*>", r"\1", rule.rule)
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "xx" if m.group(1) == "locale" else "999",
                     url)  # fmt: skip
        response = auth_client.get(url)
        assert response.status_code == 404, (url, response.status_code)
        assert "Page not found" in response.get_data(as_text=True), url
        checked += 1
    for token_url in ("/c/not-a-real-token", "/c/not-a-real-token/files/1", "/s/not-a-real-token"):
        response = auth_client.get(token_url)
        assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)
    assert checked > 15


def test_posting_to_unknown_ids_gets_404_not_an_error(app, auth_client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if (
            "POST" not in rule.methods
            or not rule.arguments
            or PUBLIC.match(rule.endpoint)
            or API.match(rule.endpoint)
        ):
            continue
        url = re.sub(r"<any\((\w+)[^>]*>", r"\1", rule.rule)
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "xx" if m.group(1) == "locale" else "999",
                     url)  # fmt: skip
        response = auth_client.post(url, data={})
        assert response.status_code == 404, (url, response.status_code)
        checked += 1
    assert checked > 15
