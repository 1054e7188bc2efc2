"""Submitting imports, importing queued messages, taking up held ones, reporting."""
