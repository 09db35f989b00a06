from django.urls import reverse


def crumb(name: str, url: str) -> dict:
    return {"name": name, "url": url}


def trail(*crumbs: dict) -> list[dict]:
    """Home, then the given crumbs: the page's breadcrumb trail."""
    return [crumb("Home", reverse("careers:home")), *crumbs]
