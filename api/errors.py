"""What the API answers when it can't answer with data, always as JSON (docs/api.md, "Errors"):
400 naming each bad parameter, 404, 405, and 429 with Retry-After past the rate limit, which is
counted per client address by django-ratelimit (core/ratelimits.py's `client_address`)."""

import math

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django_ratelimit import ALL
from django_ratelimit.core import get_usage
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import exception_handler

from core.ratelimits import client_address

# Requests per client address to the whole API; settings.API_RATE_LIMIT overrides it.
DEFAULT_RATE_LIMIT = "300/m"
RATE_LIMIT_GROUP = "api"
NOT_FOUND = "Not found."


class ParameterError(Exception):
    """Parameters with values we can't use: {name: [messages]}, answered with a 400."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


def form_errors(errors) -> dict:
    """A form's errors as {parameter: [messages]} (a rule across fields is under "filters")."""
    return {
        ("filters" if name == NON_FIELD_ERRORS else name): [str(message) for message in messages]
        for name, messages in errors.items()
    }


def api_rate(group, request) -> str:
    return getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def client_key(group, request) -> str:
    return client_address(request)


class ClientAddressRateLimit(BaseThrottle):
    """Every API request counts against API_RATE_LIMIT for its client address."""

    def allow_request(self, request, view):
        usage = get_usage(
            request._request,
            group=RATE_LIMIT_GROUP,
            key=client_key,
            rate=api_rate,
            method=ALL,
            increment=True,
        )
        self.time_left = usage["time_left"] if usage else 0
        return not (usage and usage["should_limit"])

    def wait(self):
        return self.time_left


def retry_after(seconds) -> int:
    return max(1, math.ceil(seconds or 1))


def api_exception_handler(exc, context):
    if isinstance(exc, ParameterError):
        return Response({"errors": exc.errors}, status=400)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return Response({"detail": NOT_FOUND}, status=404)
    if isinstance(exc, exceptions.Throttled):
        seconds = retry_after(exc.wait)
        response = Response(
            {
                "detail": f"Too many requests from your address: try again in {seconds} seconds.",
                "retry_after": seconds,
            },
            status=429,
        )
        response["Retry-After"] = str(seconds)
        response["Cache-Control"] = "no-store"
        return response
    return exception_handler(exc, context)  # 405 and the like: {"detail": "..."}


def not_found(request, rest=""):
    """Any other path under /api/v1/: a 404 in JSON, or the same path with its slash added when
    that is an endpoint (as CommonMiddleware's APPEND_SLASH would do)."""
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{request.path}/{'?' if query else ''}{query}")
    return JsonResponse({"detail": NOT_FOUND}, status=404)


# The error bodies, for the OpenAPI document.


class ParameterErrorsSerializer(serializers.Serializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Each invalid parameter with what is wrong with its value.",
    )


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class RateLimitedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    retry_after = serializers.IntegerField(help_text="Seconds to wait (also in Retry-After).")
