"""Clients and their contacts."""
