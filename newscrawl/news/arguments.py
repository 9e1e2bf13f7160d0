"""The arguments of a news spider (``scrapy crawl SITE -a NAME=VALUE``), declared once.

:class:`NewsSiteArguments` is the spider's parameter model for
scrapy-spider-metadata (``Args[NewsSiteArguments]``): the spider reads its
arguments typed from ``spider.args``, the crawl command checks them before the
crawl starts (:func:`parse_arguments`: one line naming each bad argument, with a
suggestion for a misspelt name), and the argument table of the docs is written
from it (``tools/docs.py``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, TypeVar, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from scrapy_spider_metadata import Args  # type: ignore[attr-defined]  # exported without __all__

Model = TypeVar("Model", bound=BaseModel)


class BadArguments(ValueError):
    """Spider arguments that cannot be used; the message is one line for the operator."""


class NewsSiteArguments(BaseModel):
    """What ``-a NAME=VALUE`` can set on a news site's spider."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    base_url: str | None = Field(
        None,
        description=(
            "Crawl a copy of the site served at this origin (a staging mirror, the fixture server) instead of the "
            "live site. Items keep production URLs; the copy is crawled in full unless `full=0`, and stored in a "
            "database of its own unless `-s MONGO_DATABASE` names one. `localhost` and `127.0.0.1` work alike."
        ),
        examples=["http://127.0.0.1:8000"],
    )
    start_urls: list[str] = Field(
        default_factory=list,
        description="Start at these URLs (comma-separated) instead of the site's entry points: a partial crawl.",
        examples=["https://www.example.com/category/world/"],
    )
    full: bool | None = Field(
        None,
        description=(
            "`1`: ignore what is stored and fetch every article again (still deduplicated); `0`: fetch only what is "
            "new. Default: `0` for the live site, `1` for a copy (`base_url`)."
        ),
        examples=["1"],
    )
    since: date | None = Field(
        None,
        description="Do not follow archive pages, nor sitemap entries, older than this day (UTC), as YYYY-MM-DD.",
        examples=["2025-07-01"],
    )
    job: str | None = Field(None, alias="_job", description="The Scrapyd job id; Scrapyd sets it.")

    @field_validator("base_url")
    @classmethod
    def _an_origin(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip().rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or parts.fragment:
            raise ValueError("must be an origin such as http://127.0.0.1:8000 (scheme, host and port only)")
        try:
            parts.port  # noqa: B018 - parses the port: raises when it is out of range
        except ValueError:
            raise ValueError("has a port out of range (1-65535)") from None
        return f"{parts.scheme}://{parts.netloc.lower()}"

    @field_validator("start_urls", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return [url.strip() for url in value.split(",") if url.strip()] if isinstance(value, str) else value

    @field_validator("since", mode="before")
    @classmethod
    def _a_day(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return datetime.strptime(value, "%Y-%m-%d").date()
            except ValueError:
                raise ValueError("must be a date like 2025-07-01") from None
        return value

    @property
    def since_time(self) -> datetime | None:
        """``since`` as the first instant of that day, UTC."""
        return datetime.combine(self.since, datetime.min.time(), UTC) if self.since else None


#: pydantic's messages, in the words of the command line
PLAIN_MESSAGES = {"bool_parsing": "must be 1 or 0 (or true/false, yes/no)"}


def argument_names(model: type[BaseModel]) -> list[str]:
    """The names an operator can pass (aliases where a field has one), in declaration order."""
    return [field.alias or name for name, field in model.model_fields.items()]


def parse_arguments(model: type[Model], arguments: Mapping[str, Any]) -> Model:
    """*arguments* as *model*; raises :class:`BadArguments` naming every bad one, in one line."""
    try:
        return model(**arguments)
    except ValidationError as exc:
        raise BadArguments("; ".join(_describe(error, model) for error in exc.errors())) from None


def _describe(error: Any, model: type[BaseModel]) -> str:
    name = str(error["loc"][0]) if error["loc"] else "?"
    if error["type"] == "extra_forbidden":
        known = [n for n in argument_names(model) if not n.startswith("_")]
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"the arguments are {', '.join(known)}"
        return f"unknown argument {name!r}; {hint}"
    message = PLAIN_MESSAGES.get(error["type"]) or str(error["msg"]).removeprefix("Value error, ")
    return f"{name}={error['input']!r} {message[0].lower()}{message[1:]}"


def arguments_model(spidercls: type) -> type[BaseModel] | None:
    """The parameter model a spider class declares with ``Args[Model]``, if any."""
    for cls in spidercls.__mro__:
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is Args:
                (model,) = get_args(base)
                return model
    return None
