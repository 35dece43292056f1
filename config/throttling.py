"""One throttle for pages and the API: the pages that do what a throttled endpoint does draw on
the same allowance (REST_FRAMEWORK's DEFAULT_THROTTLE_RATES, the same cache keys as DRF's
ScopedRateThrottle), so the HTML form is no way around the API's limit."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle


class ScopeThrottle(SimpleRateThrottle):
    """DRF's scoped rate throttle for a plain Django view."""

    cache_format = ScopedRateThrottle.cache_format

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def get_ident(self, request) -> str:
        from config.security import client_ip

        return client_ip(request)

    def get_cache_key(self, request, view) -> str:
        user = getattr(request, "user", None)
        ident = user.pk if user is not None and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def throttled(scope: str, *, methods: Iterable[str] | None = ("POST",)) -> Callable:
    """Refuse a page request past the scope's rate with a 429 (a fragment under htmx) and
    Retry-After; requests of other methods are not counted. ``methods=None`` counts every
    request: for a page that does the work on any method (a GET, a HEAD, a POST alike)."""
    counted = None if methods is None else frozenset(methods)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if counted is None or request.method in counted:
                throttle = ScopeThrottle(scope)
                if not throttle.allow_request(request, None):
                    return _refused(request, throttle)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class LoginThrottleMiddleware:
    """Every address gets THROTTLE_LOGIN login attempts (the "login" scope), right or wrong,
    on the login page and the admin's: a password tried on many accounts from one address is
    slowed down, where django-axes, which counts per account, would not see it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path_info in _login_paths():
            throttle = ScopeThrottle("login")
            if not throttle.allow_request(request, None):
                return _refused(request, throttle).render()
        return self.get_response(request)


def _login_paths() -> frozenset[str]:
    from django.urls import reverse

    return frozenset({reverse("login"), reverse("admin:login")})


def _refused(request: HttpRequest, throttle: ScopeThrottle) -> HttpResponse:
    wait = max(1, math.ceil(throttle.wait() or 1))
    message = (
        f"Too many requests: the limit is {throttle.rate.replace('/', ' per ')}. "
        f"Try again in {wait} s."
    )
    fragment = getattr(request, "htmx", False) or request.headers.get("X-Upload-Fragment")
    template = "components/_error.html" if fragment else "error.html"
    response = TemplateResponse(request, template, {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response
