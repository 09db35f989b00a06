from .selections import compare_list, shortlist


def selections(request):
    """Counts for the header: how many programs are saved and how many are lined up to compare."""
    session = getattr(request, "session", None)
    if session is None:
        return {}
    return {
        "shortlist_count": len(shortlist(session)),
        "compare_count": len(compare_list(session)),
        "shortlist_ids": shortlist(session).ids,
        "compare_ids": compare_list(session).ids,
    }
