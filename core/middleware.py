"""Site-wide request handling: request logs, database outages, unreadable query strings."""

import json
import logging
import re
import time

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

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


# What the maintenance page shows back of a form that could not be saved.
NOT_SHOWN = re.compile(r"pass|pwd|token|secret|key|csrf", re.IGNORECASE)
HONEYPOTS = {"website"}  # the corrections form's field that only bots fill in
# Values the site's forms fill in themselves (the page a note is about, what it is about, a
# choice from a list, where to go next): nothing the visitor typed.
NOT_TYPED = {"page_url", "target", "target_field", "next"}
SHOWN_FIELDS = 20
SHOWN_CHARACTERS = 5000  # the longest text a correction's field takes


def sent_text(request) -> list[dict]:
    """The text the visitor just sent in a form, to show back: never passwords, tokens, secrets
    or the honeypot; at most SHOWN_FIELDS fields, each cut at SHOWN_CHARACTERS."""
    try:
        fields = list(request.POST.lists())
    except (SuspiciousOperation, BadRequest, MultiPartParserError, OSError):
        return []  # a body Django couldn't read: nothing to show
    shown = []
    for name, values in fields:
        if name in HONEYPOTS or name in NOT_TYPED or NOT_SHOWN.search(name):
            continue
        for value in values:
            if not value.strip():
                continue
            if len(value) > SHOWN_CHARACTERS:
                value = value[:SHOWN_CHARACTERS] + " [cut short]"
            lines = value.count("\n") + len(value) // 60 + 1
            shown.append(
                {
                    "label": name.replace("_", " ").capitalize(),
                    "value": value,
                    "rows": min(max(lines, 2), 10),
                }
            )
    return shown[:SHOWN_FIELDS]


class DatabaseUnavailableMiddleware:
    """When the database can't be reached, answer 503 with the maintenance page.

    A visitor whose form could not be saved is told so, and sees the text they sent so that
    nothing they typed is lost.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        outage_log.error("database unavailable: %s", type(exception).__name__)
        unsaved = request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
        context = {"unsaved": unsaved, "sent": sent_text(request) if unsaved else []}
        try:
            content = render_to_string("503.html", context, request)
        except DatabaseError:
            # The page's header reads the visitor's session, which is kept in the database:
            # without it the page shows no shortlist or compare counts.
            content = render_to_string("503.html", context)
        response = HttpResponse(content, status=503)
        response["Retry-After"] = "60"
        if unsaved:  # it holds what the visitor typed: no copy kept anywhere on the way
            add_never_cache_headers(response)
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
