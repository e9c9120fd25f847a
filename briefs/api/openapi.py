"""The OpenAPI 3.1 document of /api/v1; tests check every real response against it."""

from __future__ import annotations

from briefs.api.event_names import PUBLIC_NAMES

STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
MOMENT = {"type": ["string", "null"], "format": "date-time"}
DAY = {"type": ["string", "null"], "format": "date"}
#: A question's condition, as docs/template-format.md describes `show_when`.
CONDITION = {"type": "object"}
#: What a template question says, in the template and in its file (which adds show_when).
FIELD_FACTS = {
    "key": STR,
    "label": STR,
    "type": STR,
    "required": BOOL,
    "help": STR,
    "example": STR,
    "options": {"type": "array", "items": STR},
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, required: list[str] | None = None, **extra) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        **extra,
    }


def _page(item: str) -> dict:
    return _obj(
        {
            "items": {"type": "array", "items": _ref(item)},
            "next_cursor": {"type": ["string", "null"]},
        }
    )


SCHEMAS = {
    "Problem": _obj(
        {
            "type": STR,
            "title": STR,
            "status": INT,
            "detail": STR,
            "errors": {
                "type": "array",
                "items": _obj({"field": STR, "message": STR}),
            },
        },
        ["type", "title", "status"],
    ),
    "TemplateSummary": _obj(
        {
            "id": INT,
            "name": STR,
            "description": STR,
            "locale": STR,
            "archived": BOOL,
            "updated_at": MOMENT,
        }
    ),
    "Template": {
        "allOf": [
            _ref("TemplateSummary"),
            _obj(
                {
                    "sections": {
                        "type": "array",
                        "items": _obj(
                            {
                                "title": STR,
                                "description": STR,
                                "fields": {
                                    "type": "array",
                                    "items": _obj(FIELD_FACTS),
                                },
                            }
                        ),
                    }
                }
            ),
        ]
    },
    "TemplateDocument": _obj(
        {
            "format": {"const": "briefs-template/1"},
            "name": STR,
            "language": {"enum": ["en", "ru"]},
            "description": STR,
            "sections": {
                "type": "array",
                "items": _obj(
                    {
                        "title": STR,
                        "description": STR,
                        "show_when": CONDITION,
                        "fields": {
                            "type": "array",
                            "items": _obj(
                                {
                                    **FIELD_FACTS,
                                    "show_when": CONDITION,
                                },
                                ["key", "label"],
                                additionalProperties=False,
                            ),
                        },
                    },
                    ["title"],
                    additionalProperties=False,
                ),
            },
        },
        ["format", "name"],
        additionalProperties=False,
        description="The template file format's mapping (docs/template-format.md).",
    ),
    "Contact": _obj(
        {
            "id": INT,
            "client_id": INT,
            "name": STR,
            "email": STR,
            "role": {"enum": ["contact", "decision_maker"]},
        }
    ),
    "Client": _obj(
        {
            "id": INT,
            "name": STR,
            "timezone": STR,
            "notes": STR,
            "escalation_enabled": BOOL,
            "weekly_digest": BOOL,
            "created_at": MOMENT,
            "contacts": {"type": "array", "items": _ref("Contact")},
        }
    ),
    "ClientInput": _obj(
        {
            "name": STR,
            "timezone": STR,
            "notes": STR,
            "escalation_enabled": BOOL,
            "weekly_digest": BOOL,
        },
        [],
        additionalProperties=False,
    ),
    "ContactInput": _obj(
        {
            "name": STR,
            "email": {"type": "string", "format": "email"},
            "role": {"enum": ["contact", "decision_maker"]},
        },
        [],
        additionalProperties=False,
    ),
    "BriefInput": _obj(
        {
            "template_id": INT,
            "client_id": INT,
            "title": STR,
            "locale": {"enum": ["", "en", "ru"]},
            "recipients": {"type": "array", "items": INT},
            "launch_date": DAY,
            "work_days": {"type": "integer", "minimum": 0, "maximum": 365},
        },
        ["template_id", "client_id", "title"],
        additionalProperties=False,
    ),
    "BriefDetailsInput": _obj(
        {
            "title": STR,
            "locale": {"enum": ["en", "ru"]},
            "recipients": {"type": "array", "items": INT},
            "launch_date": DAY,
            "work_days": {"type": "integer", "minimum": 0, "maximum": 365},
            "decision_maker": {
                "type": ["integer", "string"],
                "description": '"" = every decision-maker',
            },
        },
        [],
        additionalProperties=False,
    ),
    "AnswerInput": _obj(
        {
            "value": {
                "type": ["string", "array"],
                "items": STR,
                "description": "Text as the client form sends it; a list for several choices.",
            },
            "not_applicable": BOOL,
            "revision": {
                "type": "integer",
                "minimum": 0,
                "description": "The answer's revision you read (412 if it changed).",
            },
        },
        [],
        additionalProperties=False,
    ),
    "ReviewInput": _obj(
        {
            "verdict": {"enum": ["accepted", "changes_requested"]},
            "comment": STR,
            "answer_revision": INT,
        },
        ["verdict"],
        additionalProperties=False,
    ),
    "BriefSummary": _obj(
        {
            "id": INT,
            "revision": INT,
            "title": STR,
            "status": {"enum": ["draft", "sent", "submitted", "closed"]},
            "client_id": INT,
            "template_id": {"type": ["integer", "null"]},
            "locale": STR,
            "launch_date": DAY,
            "work_days": INT,
            "info_due": DAY,
            "risk": {"enum": ["on_track", "at_risk", "late", None]},
            "whose_move": _obj({"side": {"enum": ["client", "agency", None]}, "since": MOMENT}),
            "progress": _obj({"answered": INT, "required": INT, "percent": INT}),
            "missing": {"type": "array", "items": STR},
            "next_reminder": MOMENT,
            "recipients": {"type": "array", "items": _ref("Contact")},
            "created_at": MOMENT,
            "sent_at": MOMENT,
            "submitted_at": MOMENT,
            "closed_at": MOMENT,
        }
    ),
    "Field": _obj(
        {
            "id": INT,
            "key": STR,
            "label": STR,
            "type": STR,
            "required": BOOL,
            "options": {"type": "array", "items": STR},
            "answer": {
                "oneOf": [
                    {"type": "null"},
                    _obj(
                        {
                            "value": STR,
                            "not_applicable": BOOL,
                            "revision": INT,
                            "answered_at": MOMENT,
                            "answered_by": STR,
                        }
                    ),
                ]
            },
            "review": {
                "oneOf": [
                    {"type": "null"},
                    _obj(
                        {
                            "verdict": {"enum": ["accepted", "changes_requested"]},
                            "comment": STR,
                            "reviewed_at": MOMENT,
                        }
                    ),
                ]
            },
        }
    ),
    "Brief": {
        "allOf": [
            _ref("BriefSummary"),
            _obj(
                {
                    "sections": {
                        "type": "array",
                        "items": _obj(
                            {"title": STR, "fields": {"type": "array", "items": _ref("Field")}}
                        ),
                    }
                }
            ),
        ]
    },
    "Timeline": _obj(
        {
            "brief_id": INT,
            "entries": {
                "type": "array",
                "items": _obj({"at": MOMENT, "event_id": INT, "text": STR, "by_hand": BOOL}),
            },
            "waits": {
                "type": "array",
                "items": _obj({"side": STR, "start": MOMENT, "end": MOMENT, "open": BOOL}),
            },
            "sides": {
                "type": "object",
                "additionalProperties": _obj(
                    {"total_seconds": INT, "working_days": INT, "answered": INT, "open": INT}
                ),
            },
        }
    ),
    "Event": _obj(
        {
            "id": INT,
            "brief_id": INT,
            "name": {
                "type": "string",
                "description": "Stable public name, shared with webhooks: "
                + ", ".join(sorted(set(PUBLIC_NAMES.values())))
                + "; other.<kind> for the rest.",
            },
            "kind": STR,
            "actor": _obj(
                {
                    "kind": {"enum": ["user", "client", "system"]},
                    "label": STR,
                    "user_id": {"type": ["integer", "null"]},
                }
            ),
            "field_id": {"type": ["integer", "null"]},
            "data": {"type": "object"},
            "created_at": MOMENT,
            "prev_hash": STR,
            "hash": STR,
        }
    ),
    "TemplatePage": _page("TemplateSummary"),
    "ClientPage": _page("Client"),
    "BriefPage": _page("BriefSummary"),
    "EventPage": _page("Event"),
}


def _json(schema: str, description: str = "OK", etag: bool = False) -> dict:
    response = {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema)}},
    }
    if etag:
        response["headers"] = {"ETag": {"schema": STR, "description": "Send it back as If-Match."}}
    return response


def _problem(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": _ref("Problem")}},
    }


#: Problems any authorised endpoint may answer with.
COMMON = {
    "401": _problem("No live token"),
    "429": _problem("Too many requests for this token"),
}
CHANGE = {
    "403": _problem("A read-only token"),
    "404": _problem("Not found"),
    "409": _problem("Refused in this state (a closed brief, briefs still on file)"),
    "412": _problem("If-Match names an older version"),
    "422": _problem("Fields refused; see errors"),
}


def _op(summary: str, responses: dict, *, params=(), body: str | None = None, change=False) -> dict:
    op = {"summary": summary, "responses": {**responses, **COMMON, **(CHANGE if change else {})}}
    if not change:
        op["responses"].update({"404": _problem("Not found"), "422": _problem("Bad query")})
    if params:
        op["parameters"] = list(params)
    if body:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(body)}},
        }
    return op


def _path(name: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": INT if name.endswith("_id") else STR,
    }


def _query(name: str, schema: dict, description: str = "") -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "schema": STR}
PAGING = (
    _query("cursor", STR, "next_cursor of the page before"),
    _query("limit", {"type": "integer", "minimum": 1, "maximum": 200}),
)
BRIEF = _path("brief_id")
CLIENT = _path("client_id")
CONTACT = _path("contact_id")
ACTION = (BRIEF, IF_MATCH)


TEMPLATE_IMPORT = _op(
    "Import a template file (its problems listed, as on the import page)",
    {
        "201": _json("Template", "Created"),
        "400": _problem("The body is not JSON"),
        "415": _problem("Neither JSON nor YAML"),
    },
    change=True,
)
TEMPLATE_IMPORT["requestBody"] = {
    "required": True,
    "content": {
        "application/json": {"schema": _ref("TemplateDocument")},
        "application/yaml": {"schema": STR},
    },
}


def document() -> dict:
    """Return the OpenAPI 3.1 document."""
    no_content = {"204": {"description": "Deleted"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Briefs API",
            "version": "1",
            "description": "Personal tokens from the account page, as 'Authorization: Bearer'.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": {
            "/templates": {"get": _op("List templates", {"200": _json("TemplatePage")})},
            "/templates/{template_id}": {
                "get": _op(
                    "Get a template", {"200": _json("Template")}, params=[_path("template_id")]
                )
            },
            "/templates/{template_id}/export": {
                "get": _op(
                    "A template in the file format's JSON shape",
                    {"200": _json("TemplateDocument")},
                    params=[_path("template_id")],
                )
            },
            "/templates/import": {"post": TEMPLATE_IMPORT},
            "/clients": {
                "get": _op(
                    "List clients",
                    {"200": _json("ClientPage")},
                    params=[*PAGING, _query("name", STR)],
                ),
                "post": _op(
                    "Add a client",
                    {"201": _json("Client", "Created", True)},
                    body="ClientInput",
                    change=True,
                ),
            },
            "/clients/{client_id}": {
                "get": _op("Get a client", {"200": _json("Client", etag=True)}, params=[CLIENT]),
                "patch": _op(
                    "Change a client",
                    {"200": _json("Client", etag=True)},
                    params=[CLIENT, IF_MATCH],
                    body="ClientInput",
                    change=True,
                ),
                "delete": _op(
                    "Delete a client with no briefs",
                    no_content,
                    params=[CLIENT, IF_MATCH],
                    change=True,
                ),
            },
            "/clients/{client_id}/contacts": {
                "post": _op(
                    "Add a contact",
                    {"201": _json("Contact", "Created", True)},
                    params=[CLIENT],
                    body="ContactInput",
                    change=True,
                )
            },
            "/clients/{client_id}/contacts/{contact_id}": {
                "get": _op(
                    "Get a contact", {"200": _json("Contact", etag=True)}, params=[CLIENT, CONTACT]
                ),
                "patch": _op(
                    "Change a contact",
                    {"200": _json("Contact", etag=True)},
                    params=[CLIENT, CONTACT, IF_MATCH],
                    body="ContactInput",
                    change=True,
                ),
                "delete": _op(
                    "Remove a contact", no_content, params=[CLIENT, CONTACT, IF_MATCH], change=True
                ),
            },
            "/briefs": {
                "get": _op(
                    "List briefs, newest first",
                    {"200": _json("BriefPage")},
                    params=[
                        *PAGING,
                        _query("client_id", INT),
                        _query("status", {"enum": ["draft", "sent", "submitted", "closed"]}),
                        _query("risk", {"enum": ["at_risk", "late"]}),
                        _query("whose_move", {"enum": ["client", "agency"]}),
                        _query("updated_since", {"type": "string", "format": "date-time"}),
                    ],
                ),
                "post": _op(
                    "Create a brief from a template",
                    {"201": _json("Brief", "Created", True)},
                    body="BriefInput",
                    change=True,
                ),
            },
            "/briefs/{brief_id}": {
                "get": _op("Get a brief", {"200": _json("Brief", etag=True)}, params=[BRIEF]),
                "patch": _op(
                    "Change an open brief's details",
                    {"200": _json("Brief", etag=True)},
                    params=ACTION,
                    body="BriefDetailsInput",
                    change=True,
                ),
            },
            "/briefs/{brief_id}/send": {
                "post": _op(
                    "E-mail the invitation (queued for send-due)",
                    {"200": _json("Brief", etag=True)},
                    params=ACTION,
                    change=True,
                )
            },
            "/briefs/{brief_id}/answers/{field_ref}": {
                "put": _op(
                    "Save a field's answer, as the client form does",
                    {"200": _json("Brief", etag=True)},
                    params=[
                        BRIEF,
                        {**_path("field_ref"), "description": "The field's key, or its id"},
                        IF_MATCH,
                    ],
                    body="AnswerInput",
                    change=True,
                )
            },
            "/briefs/{brief_id}/fields/{field_key}/review": {
                "post": _op(
                    "Accept an answer or request changes",
                    {"200": _json("Brief", etag=True)},
                    params=[BRIEF, _path("field_key")],
                    body="ReviewInput",
                    change=True,
                )
            },
            "/briefs/{brief_id}/close": {
                "post": _op(
                    "Close the brief",
                    {"200": _json("Brief", etag=True)},
                    params=ACTION,
                    change=True,
                )
            },
            "/briefs/{brief_id}/reopen": {
                "post": _op(
                    "Reopen the brief",
                    {"200": _json("Brief", etag=True)},
                    params=ACTION,
                    change=True,
                )
            },
            "/briefs/{brief_id}/export.md": {
                "get": _op(
                    "The brief as Markdown",
                    {
                        "200": {
                            "description": "Markdown",
                            "content": {"text/markdown": {"schema": STR}},
                        }
                    },
                    params=[BRIEF],
                )
            },
            "/briefs/{brief_id}/timeline": {
                "get": _op("The brief's timeline", {"200": _json("Timeline")}, params=[BRIEF])
            },
            "/briefs/{brief_id}/events": {
                "get": _op(
                    "The brief's record", {"200": _json("EventPage")}, params=[BRIEF, *PAGING]
                )
            },
            "/events": {
                "get": _op(
                    "The whole record, with its hash chain",
                    {"200": _json("EventPage")},
                    params=list(PAGING),
                )
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
    }
