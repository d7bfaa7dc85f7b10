"""Moderation use cases: content removal and verification applications."""
