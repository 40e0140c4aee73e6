"""End to end: the command line, the web app through its client, a real server, a real browser."""
