"""Ingest: input files to `Article` objects.

Walking folders, plain text, JSON Lines, HTML pages (encodings, boilerplate, metadata) and
WARC/ARC web archives, and the dates found in them. Knows nothing of Whoosh.
"""
