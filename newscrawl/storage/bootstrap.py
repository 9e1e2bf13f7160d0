"""Create the collections' indexes and the articles validator; safe to run at every start."""

from __future__ import annotations

import logging
from typing import Any

from pymongo.database import Database
from pymongo.errors import OperationFailure

from newscrawl.storage.schema import ARTICLE_INDEXES, ARTICLE_SCHEMA, VERSION_INDEXES

logger = logging.getLogger(__name__)

NAMESPACE_EXISTS = 48
#: Codes of a server or user that cannot set a validator: CommandNotFound, Unauthorized,
#: InvalidOptions, IllegalOperation (e.g. a serverless tier). Storage still works without it.
_VALIDATOR_UNSUPPORTED = frozenset({59, 13, 72, 20})

VALIDATOR_OPTIONS = {
    "validator": {"$jsonSchema": ARTICLE_SCHEMA},
    "validationLevel": "strict",
    "validationAction": "error",
}


def apply_validator(database: Database[dict[str, Any]], collection: str) -> bool:
    """Create ``collection`` with the article validator, or set it with collMod if it exists.

    Returns False, after logging why, when the server refuses validators.
    """
    try:
        if collection in database.list_collection_names(filter={"name": collection}):
            database.command({"collMod": collection, **VALIDATOR_OPTIONS})
        else:
            try:
                database.command({"create": collection, **VALIDATOR_OPTIONS})
            except OperationFailure as exc:
                if exc.code != NAMESPACE_EXISTS:
                    raise
                # Created by a concurrent crawl between the listing and the create.
                database.command({"collMod": collection, **VALIDATOR_OPTIONS})
    except OperationFailure as exc:
        if exc.code not in _VALIDATOR_UNSUPPORTED:
            raise
        logger.warning(
            "MongoDB storage: the server refused the $jsonSchema validator on %s.%s (%s, code %s); "
            "documents are written without server-side validation",
            database.name,
            collection,
            exc.details.get("errmsg", "") if exc.details else "",
            exc.code,
        )
        return False
    return True


def prepare(database: Database[dict[str, Any]], articles: str, versions: str) -> bool:
    """Validator and indexes of both collections. Returns whether the validator is in place."""
    validated = apply_validator(database, articles)
    # create_indexes is idempotent for identical definitions, and fails loudly for a
    # same-named index with other keys or options, which needs a person to decide.
    database[articles].create_indexes(list(ARTICLE_INDEXES))
    database[versions].create_indexes(list(VERSION_INDEXES))
    return validated
