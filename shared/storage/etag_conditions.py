"""Making an Azure SDK request conditional on a record's ETag."""

from contextlib import contextmanager
from typing import Any, Dict, Iterator, Optional

from azure.core import MatchConditions
from azure.core.exceptions import AzureError, HttpResponseError

from .errors import ETagConflict

PRECONDITION_FAILED = 412
NOT_FOUND = 404


def if_unchanged(e_tag: Optional[str]) -> Dict[str, Any]:
    """SDK keyword arguments: only if the record still has ``e_tag`` (None: always)."""
    if e_tag is None:
        return {}
    return {"etag": e_tag, "match_condition": MatchConditions.IfNotModified}


def is_lost_race(error: AzureError) -> bool:
    """True when a conditional request found the record changed, or gone."""
    return getattr(error, "status_code", None) in (PRECONDITION_FAILED, NOT_FOUND)


@contextmanager
def conflict_if_changed(key: str, e_tag: Optional[str]) -> Iterator[None]:
    """Raise ETagConflict when a write conditional on ``e_tag`` finds ``key``
    changed or gone; unconditional writes (``e_tag`` None) keep their errors."""
    try:
        yield
    except HttpResponseError as error:
        if e_tag is not None and is_lost_race(error):
            raise ETagConflict(key) from error
        raise
