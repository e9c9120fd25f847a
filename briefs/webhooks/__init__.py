"""Webhooks: events queued with the record's own transaction, posted signed by send-due."""
