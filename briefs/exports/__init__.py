"""Exports of a brief: Markdown and its HTML preview."""
