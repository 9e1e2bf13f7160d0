"""Item validation: Spidermon's pipeline checks every article against the article item schema.

The schema is :data:`newscrawl.storage.schema.ARTICLE_ITEM_SCHEMA`, derived from
the MongoDB validator's, with ``date-time`` and ``uri`` formats enforced. Items
carry Python datetimes, so the pipeline validates an item's JSON form: what the
feeds write, dates as ISO 8601 strings.

Which errors drop an article and which only flag it:

* **kept and flagged**: a value that is not in canonical form (a ``date-time``
  without a UTC offset, a URL that is not a strict RFC 3986 URI), a missing
  field, an extra field. Storage copes with each (naive dates are taken as UTC,
  missing fields get their defaults, extra ones are not stored), so the
  article reaches MongoDB;
* **dropped**: a wrong value (wrong type, an empty title, a ``url`` that is not
  http(s)). The MongoDB validator would refuse the document anyway, and a
  dead-letter file would only keep replaying it: it is dropped here, with a
  reason naming its fields.

Either way the error is counted per field and per error
(``spidermon/validation/fields/errors/<error>/<field>``), logged in one line,
and fails the run's schema monitor.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from itemadapter import ItemAdapter
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from scrapy.exceptions import DropItem
from spidermon.contrib.scrapy.pipelines import ItemValidationPipeline
from spidermon.contrib.validation import JSONSchemaValidator, messages
from spidermon.contrib.validation.jsonschema.formats import format_checker
from spidermon.contrib.validation.jsonschema.tools import get_schema_from

from newscrawl.exporters import IsoDateJSONEncoder

logger = logging.getLogger(__name__)

_FORMAT_ERRORS = {"date-time": messages.INVALID_DATETIME, "uri": messages.INVALID_URI}
_TYPE_ERRORS = {"string": messages.INVALID_STRING, "array": messages.INVALID_ARRAY}
_KEYWORD_ERRORS = {
    "required": messages.MISSING_REQUIRED_FIELD,
    "additionalProperties": messages.UNEXPECTED_FIELD,
    "pattern": messages.REGEX_NOT_MATCHED,
    "minLength": messages.FIELD_TOO_SHORT,
}
#: Errors that leave the article storable: it is kept, and flagged.
KEPT_ERRORS = frozenset({*_FORMAT_ERRORS.values(), messages.MISSING_REQUIRED_FIELD, messages.UNEXPECTED_FIELD})

_ENCODER = IsoDateJSONEncoder()


def json_form(item: Any) -> dict[str, Any]:
    """The item as feeds write it: datetimes become ISO 8601 strings with their offset."""
    return json.loads(_ENCODER.encode(ItemAdapter(item).asdict()))


def _field_errors(error: ValidationError) -> list[tuple[str, str]]:
    """(top-level field, message) pairs for one schema error.

    Messages are fixed texts (Spidermon's own), never the offending value, so
    they make bounded stats keys; list elements count against their list field.
    jsonschema reports each missing field in an error of its own, naming them
    all in ``validator_value``: the caller keeps each pair once.
    """
    if error.validator == "required":
        return [(name, messages.MISSING_REQUIRED_FIELD) for name in error.validator_value if name not in error.instance]
    if error.validator == "additionalProperties":
        allowed = error.schema.get("properties", {})
        return [(name, messages.UNEXPECTED_FIELD) for name in error.instance if name not in allowed]
    name = str(error.absolute_path[0])  # every other rule is a property's
    if error.validator == "format":
        message = _FORMAT_ERRORS.get(error.validator_value, f"Invalid {error.validator_value}")
    elif error.validator == "type":
        kinds = [error.validator_value] if isinstance(error.validator_value, str) else error.validator_value
        expected = next(kind for kind in kinds if kind != "null")
        message = _TYPE_ERRORS.get(expected, f"Invalid {expected}")
    else:
        message = _KEYWORD_ERRORS.get(error.validator, f"Not valid ({error.validator})")
    return [(name, message)]


class ArticleSchemaValidator(JSONSchemaValidator):
    """Spidermon's JSON Schema validator, applied to an item's JSON form, one message per field error."""

    def __init__(self, schema: dict[str, Any]):
        # Messages are made final by _field_errors: no regex translation of jsonschema's texts.
        super().__init__(schema, use_default_translator=False)
        self._validator = validator_for(schema)(schema, format_checker=format_checker)

    def validate(self, data: Any, strict: bool = False) -> tuple[bool, dict[str, list[str]]]:
        return super().validate(json_form(data), strict=strict)

    def _validate(self, data: dict[str, Any], strict: bool = False) -> None:
        found = dict.fromkeys(pair for error in self._validator.iter_errors(data) for pair in _field_errors(error))
        for name, message in found:
            self._add_errors({name: [message]})


class InvalidArticle(DropItem):
    """The article breaks the item schema in a way storage cannot repair. Scrapy counts it under
    ``item_dropped_reasons_count/InvalidArticle``."""


def describe_errors(errors: dict[str, list[str]]) -> str:
    """``field: error, error; field: error`` in field order."""
    return "; ".join(f"{name}: {', '.join(found)}" for name, found in sorted(errors.items()))


class ArticleValidationPipeline(ItemValidationPipeline):
    """Spidermon's item validation with the article schema, dropping only what cannot be stored.

    Configured by Spidermon's settings: ``SPIDERMON_VALIDATION_SCHEMAS`` (the
    schema) and ``SPIDERMON_VALIDATION_DROP_ITEMS_WITH_ERRORS`` (False: keep
    every article, errors are only counted).
    """

    @classmethod
    def _load_jsonschema_validator(cls, schema: str | dict[str, Any]) -> ArticleSchemaValidator:
        return ArticleSchemaValidator(get_schema_from(schema) if isinstance(schema, str) else schema)

    def _drop_item(self, item: Any, errors: dict[str, list[str]]) -> None:
        """Called for every invalid item when dropping is enabled: drop it, or keep it and say so."""
        if any(set(found) - KEPT_ERRORS for found in errors.values()):
            self.stats.add_dropped_item()
            raise InvalidArticle(describe_errors(errors))
        logger.warning("Kept %s with schema errors: %s", ItemAdapter(item).get("url"), describe_errors(errors))
