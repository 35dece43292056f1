"""OpenAPI generation: every operation documents the error responses it can give, in the one
error shape the exception handler returns."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    message = serializers.CharField()
    code = serializers.CharField(required=False)
    fields = serializers.DictField(required=False)


ERROR_CODES = {
    "400": "Invalid input (the message and `fields` say what).",
    "401": "Not authenticated.",
    "403": "Not allowed.",
    "404": "Not found, or not yours.",
    "409": "Conflicts with the current state: not ready yet, no model trained yet, or nothing to undo.",
    "429": "Too many requests.",
}


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction: str = "response"):
        responses = super()._get_response_bodies(direction=direction)
        for code in ERROR_CODES:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
                responses[code]["description"] = ERROR_CODES[code]
        return responses
