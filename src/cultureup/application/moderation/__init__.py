"""Moderation use cases: content removal and verification applications; reports,
suspensions and bans, warnings, appeals."""
