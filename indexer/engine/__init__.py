"""The engine: the only package that reaches under Whoosh's public API.

Everything else in newsarchive uses Whoosh's documented interface (schemas, analyzers,
query objects, searchers, the query parser). The modules here rely on these internals,
each for a measured reason; a Whoosh upgrade is checked here and nowhere else
(``tests/unit/test_layout.py`` keeps it so):

- ``codec``: the W3 codec's posting-block layout (``W3LeafMatcher``'s ``_read_ids``,
  ``_read_weights``, ``_read_values``, ``_postfile``, ``_blocklength``) and
  ``whoosh.system`` packers. Packed blocks keep article numbers, positions and character
  offsets apart, so scoring does not unpickle every posting's values.
- ``formats``: ``Positions``/``Characters`` subclasses whose values are uint32 arrays.
- ``writer``: ``SegmentWriter``'s per-field hooks, ``W3FieldWriter`` and
  ``OrderedHashWriter`` term tables, ``StructFile``, and ``SegmentReader`` files, for a
  writer that takes postings analysed in worker processes and merges segments in helper
  processes.
- ``columns``: the lengths column (``_lenfield``) and column readers, held as numpy arrays
  and placed in the reader's column cache.
- ``vectorized``: the matcher classes of ``whoosh.matching`` (their ``_submatchers``,
  ``_scorer``, ``_ids``, ``_weights``) and ``make_binary_tree``, to score every match of
  a query with array operations, bit for bit as Whoosh scores them.
- ``collect``: top stories, counts and date ranges collected from those arrays.
- ``spelling``: ``Automata`` (the Levenshtein automaton of ``whoosh.codec.base``).
- ``storage``: ``FileStorage``, to open a generation's files read rather than mapped.
"""
