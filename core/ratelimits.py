"""Rate limits on public forms and downloads, counted per client in the "counters" cache
(django-ratelimit): a limited request is told how long to wait, in a `Retry-After` header."""

from functools import wraps

from axes.helpers import get_cool_off
from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage

ADMIN_LOGIN_GROUP = "admin-login"


def client_address(request) -> str:
    """The visitor's address: behind a reverse proxy, the header it sets
    (settings.CLIENT_ADDRESS_HEADER, e.g. nginx's X-Real-IP, docs/deploy.md), else the
    connection's. Rate limits (RATELIMIT_IP_META_KEY) and the admin lockout key on it."""
    header = settings.CLIENT_ADDRESS_HEADER
    return (header and request.META.get(header)) or request.META.get("REMOTE_ADDR", "")


def rate_limit(*, group: str, key, rate: str, method="POST"):
    """Count the view's `method` requests per `key` against the setting named `rate` (read per
    request, so tests and deployments can change it). An over-limit request still reaches the
    view with `request.limited` set and `request.retry_after` in seconds, so the view can answer
    429 while keeping what the visitor typed. Stack one per limit."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            usage = get_usage(
                request,
                group=group,
                key=key,
                rate=lambda group, request: getattr(settings, rate),
                method=method,
                increment=True,
            )
            if usage and usage["should_limit"]:
                request.limited = True
                request.retry_after = max(getattr(request, "retry_after", 0), usage["time_left"])
            else:
                request.limited = getattr(request, "limited", False)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def with_retry_after(response, seconds):
    """A 429 answer saying how long to wait (at least a second)."""
    response["Retry-After"] = str(max(1, int(seconds)))
    return response


def admin_login_limited(login_view):
    """The admin login, limited per client address whatever usernames it tries (django-axes
    locks one username at one address after AXES_FAILURE_LIMIT failures)."""

    @rate_limit(group=ADMIN_LOGIN_GROUP, key="ip", rate="ADMIN_LOGIN_RATE_LIMIT")
    @wraps(login_view)
    def wrapped(request, *args, **kwargs):
        if request.limited:
            response = render(request, "429.html", status=429)
            return with_retry_after(response, request.retry_after)
        return login_view(request, *args, **kwargs)

    return wrapped


def admin_lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout page, with how long the cool-off lasts."""
    response = render(request, "429.html", status=429)
    cool_off = get_cool_off(request)
    return with_retry_after(response, cool_off.total_seconds() if cool_off else 3600)
