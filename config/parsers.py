"""The API's JSON parser: DRF's, with a bound on nesting.

Python's JSON decoder recurses once per level and gives up with a RecursionError (a 500) near
the interpreter's recursion limit; no request of this API nests more than a few levels. Deeper
documents are refused with a 400 that names the limit, however deep they go. (The body's size is
already bounded: DRF reads it through ``request.body``, held to DATA_UPLOAD_MAX_MEMORY_SIZE.)
"""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32


class BoundedJSONParser(JSONParser):
    max_depth = MAX_JSON_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise self._too_deep() from None
        if json_depth(data) > self.max_depth:
            raise self._too_deep()
        return data

    def _too_deep(self) -> ParseError:
        return ParseError(
            f"JSON parse error - the document is nested more than {self.max_depth} levels deep; "
            f"the limit is {self.max_depth}."
        )


def json_depth(value) -> int:
    """How many arrays and objects deep ``value`` goes (0 for a scalar), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest
