"""The agency's side of one brief: create, send, review, work together."""
