"""Search: the query language, name expansion, ranking, facets, suggestions, highlights
and the article view. Builds one `ResultPage` that the CLI, the JSON API and the HTML page
render.

``indexer.search`` is both this package and the public function of the API
(``from indexer import search; search(archive, request)``): the package is callable, so
the name means one thing whichever was imported first.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from indexer.search.core import ResultPage, SearchRequest
    from indexer.store.archive import Archive


class _CallablePackage(types.ModuleType):
    def __call__(self, archive: Archive, request: SearchRequest) -> ResultPage:
        """Search the archive: the first page of results for a request."""
        from indexer.search.core import search

        return search(archive, request)


sys.modules[__name__].__class__ = _CallablePackage
