"""Typed errors. The CLI, the API and the UI translate these at their edge (the web app
maps each to an HTTP status in ``webapp.errors``); the library knows nothing of HTTP."""


class NewsArchiveError(Exception):
    """Base class for every error newsarchive reports to a user.

    The message is a template with `{name}` fields and their values, so that an edge can
    show it in the reader's language: `QueryError("year must be four digits")`,
    `QueryError("limit must be between 1 and {most}", most=100)`.
    """

    def __init__(self, message: str = "", **params: object) -> None:
        self.template = message
        self.params = params
        super().__init__(message.format(**params) if params else message)


class ConfigError(NewsArchiveError):
    """The configuration file is missing, unreadable or has a bad value."""


class QueryError(NewsArchiveError):
    """A search request the engine cannot answer as asked (bad syntax, bad parameter)."""


class NotFoundError(NewsArchiveError):
    """An article or index that does not exist."""


class IndexMissingError(NotFoundError):
    """No index has been built yet at the configured path."""


class OutdatedIndexError(NewsArchiveError):
    """The index on disk was built with another schema or analyzer version."""


class IndexLockedError(NewsArchiveError):
    """Another writer holds the index lock."""


class IndexDamagedError(NewsArchiveError):
    """A file of the index home cannot be read."""


class ReindexRefusedError(NewsArchiveError):
    """A rebuild would lose articles the archivist did not ask to remove."""

    def __init__(self, message: str, missing: dict[str, str]) -> None:
        super().__init__(message)
        #: id -> why it is not in the rebuilt generation
        self.missing = missing


class IndexWriteError(NewsArchiveError):
    """Writing the index went wrong in a way that is not the input's fault; the last
    commit stays as it was."""
