"""Moderation over HTTP: content removal, verification applications, the admin panel paths."""
