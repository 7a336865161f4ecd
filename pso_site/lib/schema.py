"""Documents checked by pydantic models, with the problems said in the
user's language and with their place (``missions[3].points: …``), and JSON
read with bounds (size, nesting) before anything trusts it."""

import datetime
import json
from typing import Annotated, Any, TypeVar

from django.utils.translation import gettext as _
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import ErrorDetails

MAX_JSON_BYTES = 50 * 1024 * 1024
MAX_JSON_DEPTH = 32

# Free text as the forms bound it (control characters are refused too).
NO_CONTROLS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
ShortText = Annotated[str, StringConstraints(max_length=300, pattern=NO_CONTROLS)]
Text = Annotated[str, StringConstraints(max_length=4000, pattern=NO_CONTROLS)]
LongText = Annotated[str, StringConstraints(max_length=8000, pattern=NO_CONTROLS)]
Name = Annotated[
    str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True, pattern=NO_CONTROLS)
]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]

# Numbers within the range of the database field that stores them, so that a
# huge value is refused with its place, never met as a database error.
POSITIVE_INTEGER_MAX = 2_147_483_647  # PositiveIntegerField, on SQLite and PostgreSQL alike
Size = Annotated[int, Field(ge=0, le=POSITIVE_INTEGER_MAX)]  # a file's size in bytes


def _within_reach(value: datetime.datetime) -> datetime.datetime:
    """A moment a record can hold: near enough that converting it to the
    database's time zone cannot overflow (9999-12-31 at UTC−12 would)."""
    if not 1900 <= value.year <= 2200:
        raise ValueError("a moment between the years 1900 and 2200")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_within_reach)]  # a date and time with its offset


class Strict(BaseModel):
    """A part of a document: unknown keys are refused, values are not coerced
    across types (``"3"`` is not a level)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class DocumentProblem(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


def place(location: tuple[int | str, ...]) -> str:
    """``("missions", 3, "points")`` → ``missions[3].points``."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not str(part).startswith(("function-", "json-or-python", "lax-or-strict", "decimal")):
            text += f".{part}" if text else str(part)
    return text or _("document")


def _message(error: ErrorDetails) -> str:
    kind, context = error["type"], error.get("ctx") or {}
    messages = {
        "missing": _("this value is required"),
        "extra_forbidden": _("unknown key"),
        "string_type": _("must be text"),
        "int_type": _("must be a whole number"),
        "bool_type": _("must be true or false"),
        "list_type": _("must be a list"),
        "dict_type": _("must be an object"),
        "model_type": _("must be an object"),
        "decimal_type": _('must be a number written as text, e.g. "15.00"'),
        "decimal_parsing": _("is not a number"),
        "decimal_max_places": _("has more than two decimals; the field keeps two"),
        "decimal_max_digits": _("is too large"),
        "decimal_whole_digits": _("is too large"),
        "finite_number": _("is not a number"),
        "string_too_long": _("is too long (at most %(max)s characters)") % {"max": context.get("max_length")},
        "string_too_short": _("cannot be empty"),
        "string_pattern_mismatch": _("contains characters that are not allowed"),
        "too_long": _("has too many items (at most %(max)s)") % {"max": context.get("max_length")},
        "too_short": _("has too few items (at least %(min)s)") % {"min": context.get("min_length")},
        "less_than_equal": _("must be at most %(le)s") % {"le": context.get("le")},
        "greater_than_equal": _("must be at least %(ge)s") % {"ge": context.get("ge")},
        "greater_than": _("must be more than %(gt)s") % {"gt": context.get("gt")},
        "literal_error": _("must be one of %(expected)s") % {"expected": context.get("expected")},
        "enum": _("must be one of %(expected)s") % {"expected": context.get("expected")},
        "date_type": _("must be a date written YYYY-MM-DD"),
        "date_from_datetime_parsing": _("must be a date written YYYY-MM-DD"),
        "datetime_type": _("must be a date and time in ISO 8601"),
        "datetime_from_date_parsing": _("must be a date and time in ISO 8601"),
        "timezone_aware": _("must carry its time zone"),
    }
    if kind == "value_error":
        return str(context.get("error") or error["msg"])
    return messages.get(kind, error["msg"])


def _shown(value: object) -> str:
    """A refused scalar as it came, so that the person can find it."""
    if isinstance(value, str):
        return f" = {value!r}" if len(value) <= 40 else ""
    if isinstance(value, bool | int | float):
        return f" = {str(value).lower()}" if isinstance(value, bool) else f" = {value}"
    return ""


def problems_of(error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors(include_url=False):
        shown = "" if item["type"] in ("missing", "extra_forbidden") else _shown(item.get("input"))
        problems.append(f"{place(item['loc'])}{shown}: {_message(item)}")
    return problems


def depth(value: object, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply lists and objects nest, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def read_json(data: bytes, *, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """Parse a JSON document of bounded size and nesting; DocumentProblem otherwise."""
    if len(data) > max_bytes:
        raise DocumentProblem(
            [_("The document is too large (at most %(mb)s MB).") % {"mb": max_bytes // (1024 * 1024)}]
        )
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise DocumentProblem([_("The document is not UTF-8 text.")]) from None
    except RecursionError:
        raise DocumentProblem([_("The document nests too deeply.")]) from None
    except ValueError as error:
        raise DocumentProblem([_("The document is not valid JSON (%(error)s).") % {"error": error}]) from None
    if depth(value) > MAX_JSON_DEPTH:
        raise DocumentProblem([_("The document nests too deeply.")])
    return value


ModelT = TypeVar("ModelT", bound=BaseModel)


def parse(model: type[ModelT], value: object) -> ModelT:
    """The document (parsed JSON) as ``model``; DocumentProblem with every
    problem found. Checked in JSON mode: strict types as JSON has them
    (decimals and dates as strings)."""
    try:
        return model.model_validate_json(json.dumps(value, ensure_ascii=False))
    except ValidationError as error:
        raise DocumentProblem(problems_of(error)) from None
