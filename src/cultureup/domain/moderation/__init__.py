"""Moderation: what staff take down and put back, and who is verified; reports, suspensions,
bans, warnings, and appeals against them."""
