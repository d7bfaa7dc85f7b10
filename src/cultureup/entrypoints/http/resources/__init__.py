"""Thin resources: parse the request, call one use case, serialize the result."""
