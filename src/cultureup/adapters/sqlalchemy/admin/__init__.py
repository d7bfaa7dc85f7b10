"""SQL of the admin use cases."""
