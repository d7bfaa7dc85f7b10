"""Moderation storage: listings' removal state, the content list, verification applications;
reports and moderation actions (with their appeals)."""
