"""Password hashing, password strength and API tokens."""
