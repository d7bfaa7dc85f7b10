"""Moderation: what staff take down and put back, and who is verified."""
