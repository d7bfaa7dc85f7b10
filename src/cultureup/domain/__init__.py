"""The pure core: entities, value objects and rules. Imports only the standard library and attrs."""
