"""Admin use cases: staff acting on the platform, each one audited."""
