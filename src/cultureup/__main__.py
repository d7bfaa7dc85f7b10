"""`python -m cultureup` is the `cultureup` command."""

from cultureup.entrypoints.cli.app import main

main()
