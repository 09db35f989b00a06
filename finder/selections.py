"""The visitor's shortlist and compare list, kept in their session (no account needed), and the
views that add to them, show the shortlist and send it to the compare page (compare.py)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from core.pages import PageMixin, page_url, safe_local_path
from programs.models import Program

COMPARE_LIMIT = 4


class ProgramSelection:
    """An ordered set of program ids in the session, optionally capped."""

    def __init__(self, session, key: str, limit: int | None = None):
        self.session, self.key, self.limit = session, key, limit

    @property
    def ids(self) -> list[int]:
        return list(self.session.get(self.key, []))

    def __len__(self):
        return len(self.ids)

    def __contains__(self, program_id):
        return program_id in self.ids

    @property
    def is_full(self):
        return self.limit is not None and len(self) >= self.limit

    def add(self, program_id: int) -> bool:
        """Add a program; False when the selection is full (and nothing changes)."""
        if program_id in self:
            return True
        if self.is_full:
            return False
        self.session[self.key] = [*self.ids, program_id]
        return True

    def remove(self, program_id: int):
        self.session[self.key] = [pk for pk in self.ids if pk != program_id]

    def replace(self, program_ids: list[int]):
        self.session[self.key] = list(program_ids)[: self.limit]

    def programs(self):
        """The selected published programs, in the order they were added."""
        found = Program.objects.for_listing().in_bulk(self.ids)
        return [found[pk] for pk in self.ids if pk in found]


def update_urls() -> dict:
    """Where the add/remove buttons send, in the page's language (so that what they say back is
    too)."""
    return {
        "compare": page_url("finder:compare_update"),
        "shortlist": page_url("finder:shortlist_update"),
    }


def compare_list(session):
    return ProgramSelection(session, "compare", limit=COMPARE_LIMIT)


def shortlist(session):
    return ProgramSelection(session, "shortlist")


def program_ids(text: str) -> list[int]:
    """ "12,7,31" -> [12, 7, 31]; anything that is not a plain number is dropped."""
    ids = []
    for part in text.split(","):
        part = part.strip()
        if part.isascii() and part.isdigit() and len(part) < 12 and int(part) not in ids:
            ids.append(int(part))
    return ids


class SelectionUpdateView(View):
    """Add a program to, or remove it from, the visitor's shortlist or compare list (POST)."""

    selection = None  # compare_list or shortlist
    noun = ""  # "compare list" or "shortlist" (urls.py): which messages it says

    # What it says after adding or removing, for each list: whole sentences, each translated.
    REMOVED = {
        "compare list": gettext_lazy("Removed %(school)s from your compare list."),
        "shortlist": gettext_lazy("Removed %(school)s from your shortlist."),
    }
    ADDED = {
        "compare list": gettext_lazy("Added %(school)s to your compare list (%(count)s)."),
        "shortlist": gettext_lazy("Added %(school)s to your shortlist (%(count)s)."),
    }

    def post(self, request):
        ids = program_ids(request.POST.get("program", ""))
        program = Program.objects.published().filter(pk__in=ids[:1]).first()
        back = safe_local_path(request.POST.get("next") or reverse("finder:program_list"))
        if program is None:
            messages.error(request, _("We couldn't find that program."))
            return redirect(back)
        selection = self.selection(request.session)
        if request.POST.get("action") == "remove":
            selection.remove(program.pk)
            messages.success(request, self.REMOVED[self.noun] % {"school": program.school.name})
        elif selection.add(program.pk):
            messages.success(
                request,
                self.ADDED[self.noun] % {"school": program.school.name, "count": len(selection)},
            )
        else:
            messages.warning(
                request,
                _(
                    "You can compare up to %(limit)s programs at a time. Remove one from the "
                    "compare page first, or save this one to your shortlist."
                )
                % {"limit": COMPARE_LIMIT},
            )
        return redirect(back)


class ShortlistView(PageMixin, TemplateView):
    template_name = "finder/shortlist.html"
    page_title = gettext_lazy("Your shortlist")
    robots = "noindex"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            programs=shortlist(self.request.session).programs(), limit=COMPARE_LIMIT, **kwargs
        )


class ShortlistToCompareView(View):
    """One click: the first four saved programs become the compare list."""

    def post(self, request):
        saved = shortlist(request.session).programs()
        chosen = [program.pk for program in saved[:COMPARE_LIMIT]]
        compare_list(request.session).replace(chosen)
        if len(saved) > COMPARE_LIMIT:
            messages.info(
                request,
                _("Comparing the first %(limit)s programs you saved.") % {"limit": COMPARE_LIMIT},
            )
        query = urlencode({"programs": ",".join(map(str, chosen))})
        return redirect(f"{reverse('finder:compare')}?{query}")
