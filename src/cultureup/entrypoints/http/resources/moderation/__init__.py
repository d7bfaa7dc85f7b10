"""Moderation over HTTP: content removal, verification applications, the admin panel paths;
reports, suspensions and bans, moderation actions, appeals."""
