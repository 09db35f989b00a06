"""What the site writes about itself: log lines as JSON objects, and error reports to Sentry,
both without personal data (never a query string, form data, cookies or a client address)."""

import json
import logging
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, then the message.

    A message that is itself a JSON object (a request line: method, path, status, duration_ms)
    has its fields merged in; any other message is kept as `message`. An exception comes as
    its traceback in `exc`. Nothing passed with `extra=` is written: Django's loggers pass the
    request that way, and it carries cookies and the client address.
    """

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        message = record.getMessage()
        fields = json_object(message)
        if fields is None:
            line["message"] = message
        else:
            line.update((key, value) for key, value in fields.items() if key not in line)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        # ensure_ascii escapes every line break, so one record is always one line.
        return json.dumps(line, default=str)


def json_object(message):
    """The fields of a message that is a JSON object; None for any other text."""
    if not message.startswith("{"):
        return None
    try:
        fields = json.loads(message)
    except ValueError:
        return None
    return fields if isinstance(fields, dict) else None


def without_personal_data(event, hint):
    """Sentry's `before_send`: of the request, keep only the method and the URL's path.

    Request bodies, cookies, query strings, headers and the server environment are dropped,
    and so is any user the SDK may have attached.
    """
    request = event.get("request")
    if request:
        kept = {"method": request.get("method")}
        if url := request.get("url"):
            kept["url"] = urlunsplit(urlsplit(url)._replace(query="", fragment=""))
        event["request"] = {key: value for key, value in kept.items() if value}
    event.pop("user", None)
    return event
