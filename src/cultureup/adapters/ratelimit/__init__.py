"""Rate limiters: fixed windows counted in process memory or in Redis."""
