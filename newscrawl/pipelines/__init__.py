"""Item pipelines, in the order ITEM_PIPELINES runs them: validate, dedupe within the run, store."""

from newscrawl.pipelines.dedupe import DedupePipeline, DuplicateContent, DuplicateItem, DuplicateUrl
from newscrawl.pipelines.store import StorePipeline
from newscrawl.pipelines.validate import InvalidArticle, ValidatePipeline

__all__ = [
    "DedupePipeline",
    "DuplicateContent",
    "DuplicateItem",
    "DuplicateUrl",
    "InvalidArticle",
    "StorePipeline",
    "ValidatePipeline",
]
