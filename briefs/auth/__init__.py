"""Signing in, the first-run setup, teammates and one's own account."""
