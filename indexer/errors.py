"""Typed errors. The CLI, the API and the UI translate these at their edge."""


class NewsArchiveError(Exception):
    """Base class for every error newsarchive reports to a user."""

    #: HTTP status the web app answers with.
    status = 500


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


class IndexDamagedError(NewsArchiveError):
    """A file of the index home cannot be read."""

    status = 503


class ReindexRefusedError(NewsArchiveError):
    """A rebuild would lose articles the archivist did not ask to remove."""

    def __init__(self, message: str, missing: dict[str, str]) -> None:
        super().__init__(message)
        #: id -> why it is not in the rebuilt generation
        self.missing = missing


class IndexWriteError(NewsArchiveError):
    """Writing the index went wrong in a way that is not the input's fault; the last
    commit stays as it was."""
