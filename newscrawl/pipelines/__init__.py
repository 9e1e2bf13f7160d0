"""Item pipelines, in the order ITEM_PIPELINES runs them: validate, dedupe within the run, store."""

from newscrawl.pipelines.dedupe import DedupePipeline, DuplicateContent, DuplicateItem, DuplicateUrl
from newscrawl.pipelines.mongo import MongoPipeline
from newscrawl.pipelines.validate import MissingRequiredField, ValidatePipeline

__all__ = [
    "DedupePipeline",
    "DuplicateContent",
    "DuplicateItem",
    "DuplicateUrl",
    "MissingRequiredField",
    "MongoPipeline",
    "ValidatePipeline",
]
