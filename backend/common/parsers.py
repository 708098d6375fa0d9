"""A JSON parser that refuses deeply nested documents with 400 before they reach Python's
recursive decoder (1,000 levels of ``[`` gave a 500 RecursionError, issue 16)."""

import io
import re
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Far deeper than any request this API takes, far shallower than Python's recursion limit.
MAX_JSON_DEPTH = 32
TOO_DEEP = f"The JSON body is nested too deeply (at most {MAX_JSON_DEPTH} levels)."
# A JSON string, possessive so it never backtracks; an unterminated one runs to the end of
# the body, so a body of unclosed quotes costs one pass, not one pass per quote.
_STRINGS = re.compile(r'"(?:[^"\\]|\\[\s\S])*+(?:"|\\?\Z)')
_BRACKETS = re.compile(r"[\[\]{}]")


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit`` (a linear scan, no
    recursion; malformed JSON is left to the decoder to refuse)."""
    depth = 0
    for bracket in _BRACKETS.finditer(_STRINGS.sub("", text)):
        if bracket.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding") or "utf-8"
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        if json_depth_exceeds(text, MAX_JSON_DEPTH):
            raise ParseError(TOO_DEEP)
        return super().parse(io.BytesIO(text.encode(encoding)), media_type, parser_context)
