"""Renderers: text, json, markdown, html."""
