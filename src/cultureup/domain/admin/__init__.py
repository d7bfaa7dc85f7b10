"""Staff work on the platform: acting on users, in bulk or one at a time."""
