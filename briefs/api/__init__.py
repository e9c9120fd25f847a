"""The REST API at /api/v1: JSON for CRMs and automations, authorised by personal tokens."""
