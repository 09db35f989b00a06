"""Production: refuses to start without a real secret key and host names."""

import logging

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SMTP_BACKEND, env

SECRET_KEY = env("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or "not-secret" in SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the site's host names (comma-separated).")
DEBUG = env.bool("DEBUG", default=False)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS is terminated by the load balancer, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Django's own warnings and errors (django.request's 500s, …) as JSON lines on stdout too;
# `directory` doesn't propagate here, so its lines are printed once.
LOGGING["root"] = {"handlers": ["console"], "level": "WARNING"}  # noqa: F405
# Python's warnings (a missing static directory, a deprecation) go there too, not to stderr.
logging.captureWarnings(True)

# Error reports to Sentry, only when SENTRY_DSN is set. Nothing personal is sent: no request
# bodies, cookies, query strings, headers, client addresses or local variables (some hold
# what a visitor typed), and no performance traces unless SENTRY_TRACES_SAMPLE_RATE asks.
if SENTRY_DSN := env("SENTRY_DSN", default=""):
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    from core.logformat import without_personal_data

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=None),
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        before_send=without_personal_data,
        before_send_transaction=without_personal_data,
    )

# Email through an SMTP relay unless EMAIL_BACKEND says otherwise (the console backend is
# refused by check --deploy).
MAILERS = {"default": mailer(env("EMAIL_BACKEND", default=SMTP_BACKEND))}  # noqa: F405
