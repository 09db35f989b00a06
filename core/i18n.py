"""The site in English and Spanish. The URL alone says the language: English at the paths it
always had, Spanish under /es/ (i18n_patterns without a prefix for English). So a page is the
same for every visitor of a URL, and any cache keeps the languages apart by URL."""

from django.conf import settings
from django.utils import translation


def translated(obj, field: str) -> str:
    """An editor-written text in the active language: `<field>_es` when Spanish is active and
    it is written, else the English `<field>`."""
    language = translation.get_language()
    if language and language != settings.LANGUAGE_CODE:
        text = getattr(obj, f"{field}_{language}", "")
        if text:
            return text
    return getattr(obj, field)


def language_of_path(path: str) -> str:
    for code, _name in settings.LANGUAGES:
        if code != settings.LANGUAGE_CODE and (path == f"/{code}" or path.startswith(f"/{code}/")):
            return code
    return settings.LANGUAGE_CODE


def path_in(path: str, language: str) -> str:
    """The same page in another language: "/programs/" <-> "/es/programs/"."""
    current = language_of_path(path)
    if current != settings.LANGUAGE_CODE:
        path = path[len(current) + 1 :] or "/"
    if language == settings.LANGUAGE_CODE:
        return path
    return f"/{language}{path}"


def is_translated_path(path: str) -> bool:
    """Paths outside i18n_patterns (the admin, sitemaps, robots.txt, static files) have one
    language only."""
    return not path.startswith(settings.UNTRANSLATED_PATH_PREFIXES)


class LocaleFromPathMiddleware:
    """Activates the language the path names, English otherwise. Unlike Django's
    LocaleMiddleware it never looks at cookies or Accept-Language, so a URL's page never varies
    (and no `Vary: Accept-Language` splits the shared caches). The admin is English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_of_path(request.path_info)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def language_links(request) -> list[dict]:
    """The page in each language, with its query: for the switch in the header (the hreflang
    links are made from the canonical URL: `alternate_links` in core/templatetags/translated.py)."""
    if not is_translated_path(request.path_info):
        return []
    query = request.META.get("QUERY_STRING", "")
    current = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    links = []
    for code, name in settings.LANGUAGES:
        path = path_in(request.path, code)
        links.append(
            {
                "code": code,
                "name": name,
                "url": f"{path}?{query}" if query else path,
                "current": code == current,
            }
        )
    return links


def languages(request) -> dict:
    """Context processor: `language_links` for base.html."""
    return {"language_links": language_links(request)}
