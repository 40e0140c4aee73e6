"""Typed errors. The CLI, the API and the UI translate these at their edge."""


class NewsArchiveError(Exception):
    """Base class for every error newsarchive reports to a user.

    The message is a template with `{name}` fields and their values, so that an edge can
    show it in the reader's language: `QueryError("year must be four digits")`,
    `QueryError("limit must be between 1 and {most}", most=100)`.
    """

    #: HTTP status the web app answers with.
    status = 500

    def __init__(self, message: str = "", **params: object) -> None:
        self.template = message
        self.params = params
        super().__init__(message.format(**params) if params else message)


class ConfigError(NewsArchiveError):
    """The configuration file is missing, unreadable or has a bad value."""


class ParseError(NewsArchiveError):
    """One input item could not be read as an article."""

    status = 422


class QueryError(NewsArchiveError):
    """A search request the engine cannot answer as asked (bad syntax, bad parameter)."""

    status = 400


class NotFoundError(NewsArchiveError):
    """An article or index that does not exist."""

    status = 404


class IndexMissingError(NotFoundError):
    """No index has been built yet at the configured path."""

    status = 503


class OutdatedIndexError(NewsArchiveError):
    """The index on disk was built with another schema or analyzer version."""

    status = 503


class IndexLockedError(NewsArchiveError):
    """Another writer holds the index lock."""

    status = 409
