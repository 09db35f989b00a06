"""Site-wide request handling: request logs, database outages, unreadable query strings."""

import json
import logging
import time

from django.db import InterfaceError, OperationalError
from django.shortcuts import render

request_log = logging.getLogger("directory.requests")
outage_log = logging.getLogger("directory.outage")


class RequestLogMiddleware:
    """One JSON line per request: method, path, status and duration.

    Only the path is logged: never the query string, form data, cookies or client address.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        request_log.info(
            json.dumps(
                {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                }
            )
        )
        return response


class DatabaseUnavailableMiddleware:
    """When the database can't be reached, answer 503 with the maintenance page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        outage_log.error("database unavailable: %s", type(exception).__name__)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "60"
        return response


class RejectNulBytesMiddleware:
    """A query string with NUL characters can't name anything here: answer 400, not a DB error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in value for values in request.GET.lists() for value in values[1]) or any(
            "\x00" in key for key in request.GET
        ):
            return render(request, "400.html", status=400)
        return self.get_response(request)
