"""The outbox: every message Briefs sends, its delivery status, and retrying it."""
