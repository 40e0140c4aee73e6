"""More like this: the articles closest to one article."""

from __future__ import annotations

import time

from whoosh import query as wq

from indexer.errors import NotFoundError, QueryError
from indexer.search.core import ResultPage, make_hit
from indexer.search.highlight import query_targets
from indexer.store.archive import Archive

# --- more like this -------------------------------------------------------------------

MLT_TERMS = 20


def more_like_this(archive: Archive, article_id: str, limit: int = 10) -> ResultPage:
    """Articles like one article: its most telling words (Bo1 model) as an OR query."""
    settings = archive.settings
    if not 1 <= limit <= settings.max_limit:
        raise QueryError(f"limit must be between 1 and {settings.max_limit}")
    started = time.perf_counter()
    searcher = archive.searcher()
    docnum = searcher.document_number(id=article_id)
    if docnum is None:
        raise NotFoundError(f"no article with id {article_id!r}")
    keys = searcher.key_terms([docnum], "body", numterms=MLT_TERMS)
    page = ResultPage(f"like:{article_id}", 0, 0, limit, "relevance")
    if not keys:
        return page
    q = wq.Or([wq.Term("body", word, boost=weight) for word, weight in keys])
    # Other versions of the same story are not "like" it: they are it.
    story = searcher.stored_fields(docnum).get("group")
    mask: wq.Query = wq.Term("id", article_id)
    if story:
        mask = wq.Or([mask, wq.Term("group", story)])
    results = searcher.search(q, limit=limit, mask=mask)
    page.total = len(results)
    reader = searcher.reader()
    targets = query_targets(q, reader)
    for hit in results:
        page.hits.append(make_hit(searcher, hit.docnum, hit.score, targets, settings))
    page.took_ms = (time.perf_counter() - started) * 1000
    return page
