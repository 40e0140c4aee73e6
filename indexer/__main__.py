"""`python -m indexer` runs the newsarchive command."""

from indexer.cli import main

if __name__ == "__main__":  # not when a helper process imports it
    main()
