"""The store: the index home with its generations, the write loop, the manifest of what
was read from where, the writer lock, and the schema persisted in the index."""
