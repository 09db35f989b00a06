from .selections import compare_list, shortlist, update_urls


def selections(request):
    """The header's counts of saved and compared programs, and what each card's add/remove
    buttons need, worked out once per page rather than once per card."""
    context = {"selection_urls": {**update_urls(), "back": request.get_full_path()}}
    session = getattr(request, "session", None)
    if session is not None:
        context |= {
            "shortlist_count": len(shortlist(session)),
            "compare_count": len(compare_list(session)),
            "shortlist_ids": shortlist(session).ids,
            "compare_ids": compare_list(session).ids,
        }
    return context
