"""The one application error services raise, and its translation into 4xx responses.

Services raise `ApplicationError` or Django's `ValidationError`; the DRF handler and the page
middleware below turn those (and database constraint violations) into 400s with a clear message.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from rest_framework import exceptions as drf_exceptions
from rest_framework.views import exception_handler as drf_default_handler

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A request that cannot be carried out, with a message fit to show the user."""

    def __init__(
        self, message: str, *, code: str = "invalid", extra: dict | None = None, status: int = 400
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}
        self.status = status


def validation_error_payload(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        fields = {
            name: [str(m) for e in errs for m in e.messages]
            for name, errs in exc.error_dict.items()
        }
        general = fields.pop("__all__", [])
        message = general[0] if general else "Some fields are invalid."
        return {"message": message, "fields": fields}
    return {"message": " ".join(str(m) for m in exc.messages), "fields": {}}


def integrity_error_message(exc: IntegrityError) -> str:
    # The driver's text names the constraint, which says more than a generic sentence.
    text = str(exc).splitlines()[0] if str(exc) else "constraint violated"
    return f"The change conflicts with existing data ({text})."


def data_error_message(exc: DataError) -> str:
    text = str(exc).splitlines()[0] if str(exc) else "a value is out of range"
    return f"A value is out of the range the database accepts ({text})."


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        payload = validation_error_payload(exc)
        return JsonResponse(payload, status=400)
    if isinstance(exc, ApplicationError):
        return JsonResponse(
            {"message": exc.message, "code": exc.code, **exc.extra}, status=exc.status
        )
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The connection dropped (or the statement timed out): the request's transaction was
        # rolled back, and the uploads are idempotent, so the client may send it again.
        logger.error("database unavailable in API: %s", exc)
        response = JsonResponse(
            {
                "message": "The database is unavailable; try again in a few seconds.",
                "code": "database_unavailable",
            },
            status=503,
        )
        response["Retry-After"] = "5"
        return response
    if isinstance(exc, IntegrityError):
        logger.warning("integrity error in API: %s", exc)
        return JsonResponse(
            {"message": integrity_error_message(exc), "code": "conflict"}, status=400
        )
    if isinstance(exc, DataError):
        # A value the form fields accept but the database cannot hold (a date in year 296 with
        # an offset of -18:24): the client's input, not the server's fault.
        logger.warning("data error in API: %s", exc)
        return JsonResponse({"message": data_error_message(exc), "code": "invalid"}, status=400)
    if isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    response = drf_default_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        data = response.data
        if "detail" in data and "message" not in data:
            data = {"message": str(data.pop("detail")), **data}
        elif "message" not in data:
            data = {"message": "Some fields are invalid.", "fields": data}
        response.data = data
    elif response is not None and isinstance(response.data, list):
        response.data = {"message": " ".join(str(x) for x in response.data), "fields": {}}
    return response


class ApplicationErrorMiddleware:
    """Pages: service errors and constraint violations become a 400 page or HTMX fragment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        if isinstance(exc, ApplicationError):
            message, status = exc.message, exc.status
        elif isinstance(exc, DjangoValidationError):
            message, status = validation_error_payload(exc)["message"], 400
        elif isinstance(exc, IntegrityError):
            logger.warning("integrity error on page: %s", exc)
            message, status = integrity_error_message(exc), 400
        elif isinstance(exc, DataError):
            logger.warning("data error on page: %s", exc)
            message, status = data_error_message(exc), 400
        else:
            return None
        template = "components/_error.html" if getattr(request, "htmx", False) else "error.html"
        return TemplateResponse(request, template, {"message": message}, status=status).render()
