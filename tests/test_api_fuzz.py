"""The API fuzzed from its OpenAPI document (schemathesis): no 5xx, answers as documented."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from briefs.api_tokens import create_token
from briefs.extensions import db
from tests.factories import NOW, answer_fields, make_brief

#: Examples per operation: about 30 operations, so a run stays near half a minute.
EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.parametrize(
    ("examples", "derandomize"),
    [
        # `make test`: the same examples every run, so a red run is a new bug, not bad luck.
        pytest.param(EXAMPLES, True, id="fixed"),
        # `make test-stress`: fresh random examples, four times as many, to find new bugs.
        pytest.param(4 * EXAMPLES, False, id="random", marks=pytest.mark.stress),
    ],
)
def test_it_survives_fuzzing_from_its_openapi_document(app, user, examples, derandomize):
    brief, _token = make_brief()
    answer_fields(brief, ["name", "channels"], NOW)
    _token_row, secret = create_token(user, "Fuzz", "write", NOW)
    db.session.commit()
    # Ids and keys that exist, so that requests reach past the 404 most random ids get.
    known = {
        "brief_id": [brief.id],
        "client_id": [brief.client_id],
        "contact_id": [c.id for c in brief.client.contacts],
        "template_id": [brief.template_id],
        "field_key": [f.key for s in brief.sections for f in s.fields],
        "field_ref": [f.key for s in brief.sections for f in s.fields],
    }
    # The WSGI client does not undo Flask-Compress, as an HTTP client would.
    headers = {"Authorization": f"Bearer {secret}", "Accept-Encoding": "identity"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 25
    for operation in operations:

        @settings(
            max_examples=examples,
            derandomize=derandomize,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), data=st.data())
        def check(case, data):
            for name in list(case.path_parameters or {}):
                if name in known and data.draw(st.booleans()):
                    case.path_parameters[name] = data.draw(st.sampled_from(known[name]))
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
