"""Cross-site request forgery refused by the browser's own headers, so public pages carry no
per-visitor token and can be cached whole (docs/security.md has the threat model).

Every browser this site supports says where a request comes from: `Sec-Fetch-Site` (Chrome 76,
Firefox 90, Safari 16.4 and later), and `Origin` on every POST for years before that. An unsafe
request (POST, PUT, PATCH, DELETE) is refused with 403 when:

- `Sec-Fetch-Site` is `cross-site` or `same-site` (another site, or a sibling subdomain) and its
  `Origin` is not one of settings.CSRF_TRUSTED_ORIGINS; `same-origin` and `none` (the visitor's
  own action, such as a bookmark) pass;
- there is no `Sec-Fetch-Site` and `Origin` is present but is not this site's own origin nor a
  trusted one (`Origin: null`, sent from sandboxed frames and some redirects, is refused).

A request with neither header is not from a browser that a forged page could drive (curl, a
script): it passes, as it could send any token it liked anyway. Public forms are marked
`origin_checked` and skip Django's token check; every other form (the admin, a representative's
own pages behind their sign-in) keeps Django's token as well.
"""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PASSING_FETCH_SITES = frozenset({"same-origin", "none"})


def is_cross_origin(request) -> bool:
    """Whether a browser sent this request from a page of another origin we don't trust."""
    origin = request.headers.get("Origin")
    trusted = origin is not None and origin in settings.CSRF_TRUSTED_ORIGINS
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in PASSING_FETCH_SITES and not trusted
    if origin is None:
        return False  # not a browser a forged page could drive
    return origin != f"{request.scheme}://{request.get_host()}" and not trusted


class CrossOriginProtectionMiddleware:
    """Refuses cross-origin unsafe requests on every URL, before anything reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in UNSAFE_METHODS and is_cross_origin(request):
            return render(request, "403_cross_origin.html", status=403)
        return self.get_response(request)


def origin_checked(view):
    """A public form's view: protected by CrossOriginProtectionMiddleware alone, so the page
    that holds the form has nothing of one visitor in it."""
    return csrf_exempt(view)
