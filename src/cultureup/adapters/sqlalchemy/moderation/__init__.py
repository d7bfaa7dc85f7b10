"""Moderation storage: listings' removal state, the content list, verification applications."""
