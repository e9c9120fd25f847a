"""The agency's settings: its name and language, the reminder policy, message wording."""
