"""What can go wrong with a JMA page, sorted by what the batch should do about it."""

from __future__ import annotations


class JmaError(Exception):
    """Base class; `where` names the station-month when it is known."""

    permanent = False

    def __init__(self, message: str, *, where: str = "") -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class NoDataPublished(JmaError):
    """The page has no data table: JMA published nothing for this station-month."""

    permanent = True


class LayoutChanged(JmaError):
    """The page's structure is not the one we know; reading it would give wrong data."""

    permanent = True


class JmaUnavailable(JmaError):
    """Network error, timeout, 429 or 5xx that outlived the client's retries: try later."""

    permanent = False
