"""Entrypoints: the Falcon HTTP API and the Typer CLI, both driving the application services."""
