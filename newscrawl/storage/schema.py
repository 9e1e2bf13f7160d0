"""The stored article document: its JSON Schema, field groups and indexes.

This module is the single definition of the document contract that downstream
teams query (docs/reference/schema.md is generated from it). The schema uses MongoDB's
``$jsonSchema`` dialect (``bsonType``) because the server enforces it as the
collection validator; anything else that validates articles should derive its
rules from :data:`ARTICLE_SCHEMA` rather than restate them, as
:data:`ARTICLE_ITEM_SCHEMA` does for items before they are stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from jsonschema.protocols import Validator
from pymongo import ASCENDING, DESCENDING, IndexModel

from newscrawl.items import ARTICLE_FIELDS

_STRING_LIST = {"bsonType": "array", "items": {"bsonType": "string"}}

#: Fields added after documents were first stored: every write sets them, documents stored before
#: them may lack them, and the validator (strict: it checks updates too) must still let those be updated.
ADDED_FIELDS: tuple[str, ...] = ("extractor", "updated_at")

#: ``$jsonSchema`` of a document in the articles collection, one property per field.
ARTICLE_SCHEMA: dict[str, Any] = {
    "bsonType": "object",
    "title": "newscrawl article",
    "required": [
        *(f for f in ARTICLE_FIELDS if f not in ADDED_FIELDS),
        "first_seen_at",
        "last_seen_at",
        "seen_urls",
        "content_hash",
    ],
    "additionalProperties": False,
    "properties": {
        "_id": {"bsonType": "objectId", "description": "MongoDB document id; carries no meaning."},
        "url": {
            "bsonType": "string",
            "pattern": "^https?://",
            "description": "Canonical article URL; unique key of the collection.",
        },
        "site": {"bsonType": "string", "description": "Site: the name of the spider that crawled it (`scrapy list` lists them)."},
        "title": {"bsonType": "string", "minLength": 1, "description": "Headline."},
        "description": {"bsonType": ["string", "null"], "description": "Standfirst or meta description."},
        "body": {
            "bsonType": "string",
            "minLength": 1,
            "description": "Plain text; paragraphs separated by a blank line.",
        },
        "authors": {**_STRING_LIST, "description": "Author names, possibly empty."},
        "published_at": {"bsonType": ["date", "null"], "description": "Publication time, UTC."},
        "modified_at": {"bsonType": ["date", "null"], "description": "Last modification time, UTC."},
        "language": {
            "bsonType": ["string", "null"],
            "description": 'Language of the article text: "el" or "en".',
        },
        "categories": {**_STRING_LIST, "description": "Section names."},
        "tags": {**_STRING_LIST, "description": "Tag names."},
        "image_url": {"bsonType": ["string", "null"], "description": "Featured image URL."},
        "related_urls": {**_STRING_LIST, "description": 'Canonical URLs of the "Related Articles" block.'},
        "source_url": {"bsonType": "string", "description": "URL fetched for the stored version."},
        "crawled_at": {"bsonType": "date", "description": "When the stored version was fetched, UTC."},
        "extractor": {
            "bsonType": ["string", "null"],
            "description": 'What read the stored version: the site\'s theme layout by name (e.g. "tagdiv-newspaper"), '
            'or "fallback", the generic extractor of posts the layout does not match. Absent or null in documents '
            "stored (or dead letters written) before the field existed.",
        },
        "first_seen_at": {
            "bsonType": "date",
            "description": "Earliest crawl of the article, UTC; later crawls never change it.",
        },
        "last_seen_at": {"bsonType": "date", "description": "Latest crawl that fetched the article, UTC."},
        "seen_urls": {
            **_STRING_LIST,
            "description": "Every URL the article was fetched or found under (source URLs, duplicates); a set.",
        },
        "content_hash": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{64}$",
            "description": "SHA-256 over the content fields; changes exactly when the content does.",
        },
        "updated_at": {
            "bsonType": "date",
            "description": "When the document was inserted or its content last changed, UTC (the crawler's clock at the "
            "write): what is new or changed since a time. An unchanged recrawl never moves it. Absent in documents "
            "stored before the field existed, until their next write sets it (to their `crawled_at`, if unchanged).",
        },
    },
}

#: Fields whose change makes a new version of an article (hashed into ``content_hash``): every item
#: field but the article's identity and the facts of one fetch. ``extractor`` is such a fact: a post
#: read by the fallback today and by a new layout tomorrow is the same article, and a change of
#: extractor alone must not make a version (nor one per document when a layout is added).
CONTENT_FIELDS: tuple[str, ...] = tuple(
    name for name in ARTICLE_FIELDS if name not in ("url", "site", "source_url", "crawled_at", "extractor")
)

#: Indexes of the articles collection, by name (names are part of the contract).
ARTICLE_INDEXES: tuple[IndexModel, ...] = (
    IndexModel([("url", ASCENDING)], name="url_unique", unique=True),
    IndexModel([("published_at", DESCENDING)], name="published_at_desc"),
    IndexModel([("site", ASCENDING), ("published_at", DESCENDING)], name="site_published_at"),
    IndexModel([("language", ASCENDING), ("published_at", DESCENDING)], name="language_published_at"),
    IndexModel([("categories", ASCENDING), ("published_at", DESCENDING)], name="categories_published_at"),
    IndexModel([("tags", ASCENDING)], name="tags"),
    IndexModel([("updated_at", ASCENDING)], name="updated_at"),
    IndexModel([("site", ASCENDING), ("updated_at", ASCENDING)], name="site_updated_at"),
)

#: Indexes of the versions collection. One version per (url, old hash, new hash) transition, so
#: writing a version again after a retried batch is a no-op.
VERSION_INDEXES: tuple[IndexModel, ...] = (
    IndexModel([("url", ASCENDING), ("replaced_at", DESCENDING)], name="url_replaced_at"),
    IndexModel(
        [("url", ASCENDING), ("content_hash", ASCENDING), ("replaced_by", ASCENDING)],
        name="transition_unique",
        unique=True,
    ),
)


#: Item fields holding URLs. The item schema checks them as ``uri``: MongoDB's ``$jsonSchema``
#: has no ``format`` keyword, so this is the one rule the server cannot enforce for us.
URL_FIELDS: tuple[str, ...] = ("url", "image_url", "source_url", "related_urls")

# JSON type of each BSON type the item fields use: an item in its JSON form (what feeds write,
# what Spidermon validates) carries dates as ISO 8601 strings.
_JSON_TYPES = {"string": "string", "array": "array", "null": "null", "date": "string"}


def _json_rule(rule: dict[str, Any], *, url: bool) -> dict[str, Any]:
    """A property of :data:`ARTICLE_SCHEMA` as standard JSON Schema; *url*: the value is a URL (or a list of them)."""
    bson_types = rule["bsonType"] if isinstance(rule["bsonType"], list) else [rule["bsonType"]]
    json_types = list(dict.fromkeys(_JSON_TYPES[kind] for kind in bson_types))
    converted = {key: value for key, value in rule.items() if key not in ("bsonType", "items")}
    converted["type"] = json_types[0] if len(json_types) == 1 else json_types
    if "date" in bson_types:
        converted["format"] = "date-time"
    if "items" in rule:
        converted["items"] = _json_rule(rule["items"], url=url)
    elif url:
        converted["format"] = "uri"
    return converted


def item_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of an article item in its JSON form, derived from :data:`ARTICLE_SCHEMA`.

    The item fields' rules, with each BSON type replaced by its JSON type, dates
    as ``date-time`` strings and :data:`URL_FIELDS` as ``uri``. Every field is
    required (the item loader fills them all) and no other field is allowed.
    """
    properties = ARTICLE_SCHEMA["properties"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "newscrawl article item",
        "type": "object",
        "required": list(ARTICLE_FIELDS),
        "additionalProperties": False,
        "properties": {name: _json_rule(properties[name], url=name in URL_FIELDS) for name in ARTICLE_FIELDS},
    }


#: The article item's JSON Schema, which :class:`~newscrawl.pipelines.validate.ValidatePipeline` checks every article against.
ARTICLE_ITEM_SCHEMA: dict[str, Any] = item_json_schema()


# --- errors per field --------------------------------------------------------------------

_KEYWORD_ERRORS = {"type": "wrong_type", "bsonType": "wrong_type", "minLength": "too_short", "pattern": "no_match"}


def field_errors(error: ValidationError) -> list[tuple[str, str]]:
    """(top-level field, error name) pairs for one schema error; list elements count against their list.

    Error names are fixed words, never the offending value, so they make bounded stats keys.
    """
    if error.validator == "required":
        return [(name, "missing") for name in error.validator_value if name not in error.instance]
    if error.validator == "additionalProperties":
        allowed = error.schema.get("properties", {})
        return [(name, "unexpected") for name in error.instance if name not in allowed]
    if not error.absolute_path:  # the document itself is not an object
        return [("", _KEYWORD_ERRORS.get(str(error.validator), str(error.validator)))]
    name = str(error.absolute_path[0])  # every other rule is a property's
    if error.validator == "format":
        return [(name, f"not_{str(error.validator_value).replace('-', '_')}")]
    return [(name, _KEYWORD_ERRORS.get(str(error.validator), str(error.validator)))]


def errors_by_field(validator: Validator, instance: Any) -> dict[str, list[str]]:
    """``{field: [error, …]}`` of everything *validator* finds wrong with *instance*."""
    found: dict[str, list[str]] = {}
    for error in validator.iter_errors(instance):
        for name, kind in field_errors(error):
            if kind not in found.setdefault(name, []):
                found[name].append(kind)
    return found


def describe_errors(errors: Mapping[str, list[str]]) -> str:
    """``field: error, error; field: error`` in field order."""
    return "; ".join(f"{name}: {', '.join(found).replace('_', ' ')}" for name, found in sorted(errors.items()))


# --- stored documents ----------------------------------------------------------------------

#: Python type of each BSON type the schema names, as pymongo decodes documents. A date beyond
#: Python's range decodes as a ``DatetimeMS`` (``datetime_conversion="datetime_auto"``): not a date here.
_BSON_TYPES: dict[str, type] = {
    "object": dict,
    "objectId": ObjectId,
    "string": str,
    "array": list,
    "date": datetime,
    "null": type(None),
}


def _bson_type(
    validator: Validator, expected: str | list[str], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    names = expected if isinstance(expected, list) else [expected]
    if not isinstance(instance, tuple(_BSON_TYPES[name] for name in names)):
        yield ValidationError(f"not of BSON type {' or '.join(names)}")


#: :data:`ARTICLE_SCHEMA` checked in Python, on documents as pymongo returns them: the same rules the
#: server's validator applies on writes, for documents stored before it (or past it).
_StoredDocumentValidator = validators.extend(Draft202012Validator, validators={"bsonType": _bson_type})
STORED_DOCUMENT = _StoredDocumentValidator(ARTICLE_SCHEMA)


#: Python type of each JSON type the item schema names (jsonschema's own checks: ``bool`` is no integer
#: there, but the item schema has none).
JSON_TYPES: dict[str, type] = {"object": dict, "string": str, "array": list, "null": type(None)}


@dataclass(frozen=True)
class _ValueRule:
    """One property's rule of a schema, checked with plain Python."""

    types: tuple[type, ...]
    min_length: int = 0
    pattern: re.Pattern[str] | None = None
    format: str | None = None
    items: _ValueRule | None = None

    #: the keywords of the schemas' properties this class checks (the others say nothing to check)
    KEYWORDS = frozenset({"bsonType", "type", "minLength", "pattern", "format", "items", "description"})

    @classmethod
    def of(cls, rule: Mapping[str, Any], types: Mapping[str, type]) -> _ValueRule:
        if unknown := rule.keys() - cls.KEYWORDS:
            raise ValueError(f"no quick check for the schema keywords {sorted(unknown)}: add one here")
        kinds = rule.get("bsonType", rule.get("type"))
        names = kinds if isinstance(kinds, list) else [kinds]
        pattern = re.compile(rule["pattern"]) if "pattern" in rule else None
        items = cls.of(rule["items"], types) if "items" in rule else None
        return cls(tuple(types[name] for name in names), rule.get("minLength", 0), pattern, rule.get("format"), items)

    def accepts(self, value: Any, formats: FormatChecker | None) -> bool:
        if not isinstance(value, self.types):
            return False
        if isinstance(value, str):
            return (
                len(value) >= self.min_length
                and (self.pattern is None or self.pattern.search(value) is not None)
                and (self.format is None or formats is None or formats.conforms(value, self.format))
            )
        if isinstance(value, list) and self.items is not None:
            return all(self.items.accepts(member, formats) for member in value)
        return True


class QuickCheck:
    """Whether a document keeps a schema of required properties, in a few microseconds: a jsonschema
    validator takes 80 µs (a stored document) to 600 µs (an item, with its formats), too slow for every
    stored document a crawl reads or every article it validates. It says only yes or no; the validator
    says what is wrong, for the documents it refuses.

    :param types: the Python type of each type name (``bsonType`` or JSON Schema's ``type``)
    :param formats: the checker of ``format`` keywords, if they are enforced
    """

    def __init__(self, schema: Mapping[str, Any], types: Mapping[str, type], formats: FormatChecker | None = None):
        if (
            set(schema) - {"$schema", "bsonType", "type", "title", "required", "additionalProperties", "properties"}
            or schema.get("bsonType", schema.get("type")) != "object"
            or schema["additionalProperties"]
        ):
            raise ValueError("the quick check knows only an object of required properties, no others allowed")
        self.required = frozenset(schema["required"])
        self.rules = {name: _ValueRule.of(rule, types) for name, rule in schema["properties"].items()}
        self.formats = formats

    def __call__(self, document: Any) -> bool:
        if not isinstance(document, dict) or not self.required.issubset(document.keys()):
            return False
        rules, formats = self.rules, self.formats
        for name, value in document.items():
            rule = rules.get(name)
            if rule is None or not rule.accepts(value, formats):
                return False
        return True


#: Whether a stored document (as pymongo returns it) keeps :data:`ARTICLE_SCHEMA`.
is_valid_stored_document = QuickCheck(ARTICLE_SCHEMA, _BSON_TYPES)


def stored_document_errors(document: Any) -> dict[str, list[str]]:
    """``{field: [error, …]}`` of what makes a stored article document break :data:`ARTICLE_SCHEMA`; empty if nothing."""
    if is_valid_stored_document(document):
        return {}
    return errors_by_field(STORED_DOCUMENT, document)
