"""`python -m indexer` runs the newsarchive command."""

from .cli import main

main()
