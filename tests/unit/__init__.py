"""Unit and integration tests of one stage: ingest, analysis, names, the store, search."""
