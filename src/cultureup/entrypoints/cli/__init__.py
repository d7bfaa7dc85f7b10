"""The `cultureup` command line (Typer)."""
