"""Field types for the declared request and response shapes (pydantic v2).

Each input type is one `Annotated` type that carries both its check (with the wording clients
already see) and its JSON Schema, so the OpenAPI document says exactly what is accepted. Values
read from JSON keep their JSON types (`"5"` is not an integer, `0` is not a boolean); values
read from query strings, form fields and multipart parts are text, and are read as the declared
type: integers are plain ASCII digits with an optional sign, booleans are `true` or `false`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

from cultureup.domain.ids import MAX_ID as MAX_ID
from cultureup.domain.ids import id_of, integer_of
from cultureup.domain.money import MAX_AMOUNT, Money

TEXT = "text"  # the validation context key: the value was read from text, not JSON
_NO_NUL = "[^\\u0000]"


def invalid(message: str) -> PydanticCustomError:
    return PydanticCustomError("invalid", message)


def _from_text(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get(TEXT))


def _not_null(value: Any) -> Any:
    if value is None:
        raise invalid("This field may not be null.")
    return value


def _schema(schema: dict[str, Any]) -> WithJsonSchema:
    return WithJsonSchema(schema, mode="validation")


# -- input ------------------------------------------------------------------------------


def Text(max_length: int, *, blank: bool = False, min_length: int = 0,
         description: str | None = None, examples: list[str] | None = None,
         pattern: str | None = None, pattern_message: str | None = None) -> Any:
    """A string without NUL characters, at most `max_length` long, not blank unless `blank`;
    with `pattern` and `pattern_message`, one that matches it. A `pattern` without a message
    documents a rule the use case checks itself (with the other fields' rules, so that every
    problem is reported at once)."""
    compiled = re.compile(pattern) if pattern and pattern_message else None

    def check(value: Any) -> str:
        if not isinstance(_not_null(value), str):
            raise invalid("Not a valid string.")
        if "\x00" in value:
            raise invalid("Null characters are not allowed.")
        if not blank and not value.strip():
            raise invalid("This field may not be blank.")
        if len(value) > max_length:
            raise invalid(f"Ensure this field has no more than {max_length} characters.")
        if len(value) < min_length:
            raise invalid(f"Ensure this field has at least {min_length} characters.")
        if compiled is not None and not compiled.fullmatch(value):
            raise invalid(pattern_message or "")
        return value

    if pattern is None:
        pattern = f"^{_NO_NUL}*$" if blank else f"^{_NO_NUL}*[^\\s\\u0000]{_NO_NUL}*$"
    schema: dict[str, Any] = {"type": "string", "maxLength": max_length, "pattern": pattern}
    if min_length or not blank:
        schema["minLength"] = max(min_length, 1 if not blank else 0)
    if description:
        schema["description"] = description
    if examples:
        schema["examples"] = examples
    return Annotated[str, PlainValidator(check), _schema(schema)]


def Choice(options: Iterable[str], *, description: str | None = None) -> Any:
    values = list(options)
    allowed = frozenset(values)

    def check(value: Any) -> str:
        if not isinstance(_not_null(value), str) or value not in allowed:
            raise invalid(f'"{value}" is not a valid choice. Choose one of: '
                          + ", ".join(values) + ".")
        return value

    schema: dict[str, Any] = {"type": "string", "enum": values}
    if description:
        schema["description"] = description
    return Annotated[str, PlainValidator(check), _schema(schema)]


def AnyCaseChoice(options: Iterable[str], *, description: str | None = None) -> Any:
    """One of `options` in any letter case (the use case stores it in lower case)."""
    values = list(options)
    allowed = frozenset(values)

    def check(value: Any) -> str:
        if not isinstance(_not_null(value), str) or value.strip().lower() not in allowed:
            raise invalid(f'"{value}" is not a valid choice. Choose one of: '
                          + ", ".join(values) + ".")
        return value

    def any_case(word: str) -> str:
        return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c)
                       for c in word)

    schema: dict[str, Any] = {"type": "string", "examples": values[-1:],
                              "pattern": r"^\s*(" + "|".join(map(any_case, values)) + r")\s*$",
                              "description": description or ", ".join(values)
                              + ", in any case"}
    return Annotated[str, PlainValidator(check), _schema(schema)]


def Ordering(fields: Iterable[str]) -> Any:
    return Choice([v for f in fields for v in (f, f"-{f}")],
                  description="Sort field; prefix - for descending")


def _integral(value: Any, info: ValidationInfo) -> bool:
    """A float without fraction (JSON 5.0), or, from text, ASCII digits with a sign."""
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and _from_text(info) and integer_of(value) is not None


def Integer(minimum: int | None = None, maximum: int | None = None, *,
            description: str | None = None, checked_by_use_case: bool = False,
            nullable: bool = False) -> Any:
    """An integer: a JSON number without fraction, or (from text) ASCII digits and a sign.
    With `nullable`, JSON null is accepted too and read as None (as leaving the field out
    is, for an optional field whose absence means something, e.g. "indefinitely")."""

    def check(value: Any, info: ValidationInfo) -> int | None:
        if nullable and value is None:
            return None
        _not_null(value)
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif _integral(value, info):
            number = int(value)
        if number is None:
            raise invalid("A valid integer is required.")
        if checked_by_use_case:
            return number  # the bounds are in the schema; the use case reports them
        if minimum is not None and number < minimum:
            raise invalid(f"Ensure this value is greater than or equal to {minimum}.")
        if maximum is not None and number > maximum:
            raise invalid(f"Ensure this value is less than or equal to {maximum}.")
        return number

    schema: dict[str, Any] = {"type": ["integer", "null"] if nullable else "integer"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    if description:
        schema["description"] = description
    if nullable:
        return Annotated[int | None, PlainValidator(check), _schema(schema)]
    return Annotated[int, PlainValidator(check), _schema(schema)]


Id = Integer(1, MAX_ID)


class IdConverter:
    """Path ids (`{job_id:id}`): ASCII digits only, 1 to 2**31 - 1; anything else is no route
    (404), so a fullwidth or Arabic-Indic "1" in a path is not job 1 (``domain/ids.py``)."""

    def convert(self, value: str) -> int | None:
        return id_of(value)


def _boolean(value: Any, info: ValidationInfo) -> bool:
    if isinstance(_not_null(value), bool):
        return value
    if isinstance(value, str) and _from_text(info):
        text = value.lower()
        if text in ("true", "false"):
            return text == "true"
    raise invalid("Must be a valid boolean (true or false).")


Flag = Annotated[bool, PlainValidator(_boolean), _schema({"type": "boolean"})]

_MONEY_TEXT = {  # surrounding white space is allowed, as clients send it
    "any": r"^\s*[+-]?[0-9]{1,10}(\.[0-9]{1,2})?\s*$",
    "non_negative": r"^\s*\+?[0-9]{1,10}(\.[0-9]{1,2})?\s*$",
    "positive": r"^\s*\+?(0*[1-9][0-9]{0,9}(\.[0-9]{1,2})?|0*\.(0[1-9]|[1-9][0-9]?)"
                r"|0+\.[0-9]?[1-9])\s*$",
}
_DECIMAL_TEXT = re.compile(r"\s*[+-]?[0-9]*(\.[0-9]*)?\s*")


def MoneyIn(bound: str = "positive", *,
            description: str = "PKR amount, a string or number with at most two decimals"
            ) -> Any:
    """An amount as a decimal string or a JSON number with at most two places. `bound` is
    "positive" (greater than 0), "non_negative" or "any"; a string must match the pattern the
    schema shows, so the document and the check agree exactly."""
    pattern = re.compile(_MONEY_TEXT[bound])

    def check(value: Any) -> Money:
        _not_null(value)
        unlike_pattern = isinstance(value, str) and not pattern.fullmatch(value)
        if unlike_pattern and not (_DECIMAL_TEXT.fullmatch(value)
                                   and any(c in "0123456789" for c in value)):
            raise invalid("A valid number is required.")
        try:
            amount = Money.parse(value)
        except ValueError as exc:
            raise invalid(str(exc)) from exc
        if bound == "positive" and amount.amount <= 0:
            raise invalid("Ensure this value is greater than 0.")
        if bound == "non_negative" and amount.amount < 0:
            raise invalid("Ensure this value is greater than or equal to 0.")
        if unlike_pattern:
            raise invalid("A valid number is required.")
        return amount

    number: dict[str, Any] = {"type": "number", "maximum": float(MAX_AMOUNT),
                              "multipleOf": 0.01}
    if bound == "positive":
        number["exclusiveMinimum"] = 0
    else:
        number["minimum"] = 0 if bound == "non_negative" else -float(MAX_AMOUNT)
    text = {"type": "string", "pattern": _MONEY_TEXT[bound], "examples": ["750.00"]}
    return Annotated[Money, PlainValidator(check),
                     _schema({"anyOf": [text, number], "description": description})]


def _timestamp(value: Any) -> datetime:
    parsed = parse_timestamp(_not_null(value))
    if parsed is None:
        raise invalid("Datetime has wrong format. Use ISO 8601, e.g. 2025-10-20T23:59:59Z.")
    return parsed


def parse_timestamp(value: Any) -> datetime | None:
    """ISO 8601; a value without an offset is taken as UTC."""
    # CPython 3.11's fromisoformat() stops at a NUL, so "...Z\x00junk" would otherwise pass.
    if not isinstance(value, str) or len(value) > 40 or "\x00" in value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


TimestampIn = Annotated[datetime, PlainValidator(_timestamp), _schema(
    {"type": "string", "format": "date-time", "examples": ["2025-10-20T23:59:59Z"]})]


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(value: Any) -> date:
    """A calendar day written YYYY-MM-DD (ASCII digits), nothing else."""
    if not isinstance(_not_null(value), str) or not _ISO_DATE.fullmatch(value):
        raise invalid("Date has wrong format. Use YYYY-MM-DD, e.g. 2025-10-20.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid("Date has wrong format. Use YYYY-MM-DD, e.g. 2025-10-20.") from None


DateIn = Annotated[date, PlainValidator(_date), _schema(
    {"type": "string", "format": "date", "examples": ["2025-10-20"]})]

def _upload(value: Any) -> bytes:
    if not isinstance(value, bytes):
        raise invalid("No file was submitted.")
    return value


Upload = Annotated[bytes, PlainValidator(_upload), _schema(
    {"type": "string", "format": "binary", "description": "JPEG, PNG, GIF or WebP"})]


# -- output -----------------------------------------------------------------------------


def _as_is(value: Any) -> Any:
    return value


def format_timestamp(value: datetime) -> str:
    """A timestamp as the API writes it, to the second: "2025-10-20T23:59:59Z" (the
    value's own fields: the read models give UTC). `isoformat` is the faster of the two
    (three timestamps a job row); `strftime` for years before 1000, which it does not pad."""
    if value.year >= 1000:
        return value.isoformat(timespec="seconds")[:19] + "Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


MONEY_SCHEMA = {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["750.00"],
                "description": "PKR amount with exactly two decimals"}

MoneyOut = Annotated[Money, PlainValidator(_as_is), PlainSerializer(str, return_type=str),
                     WithJsonSchema(MONEY_SCHEMA, mode="serialization")]
Timestamp = Annotated[datetime, PlainValidator(_as_is),
                      PlainSerializer(format_timestamp, return_type=str),
                      WithJsonSchema({"type": "string", "format": "date-time",
                                      "examples": ["2025-10-20T23:59:59Z"]},
                                     mode="serialization")]
DateOut = Annotated[date, PlainValidator(_as_is), PlainSerializer(date.isoformat, return_type=str),
                    WithJsonSchema({"type": "string", "format": "date", "examples": ["2025-10-20"]},
                                   mode="serialization")]
