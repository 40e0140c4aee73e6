"""Engine equivalence: the engine's codec, writer, merge and scoring against Whoosh's own."""
