"""Facet counts of the program listing: how many programs each filter value would give, with the
other active filters applied.

Counted with the FilterSet's own filters (so through the ProgramQuerySet methods) and the same
conditions (programs/querysets.py), in a few GROUP BY and aggregate queries; kept in the shared
cache per filter combination with the versions of the `site` and `listings` tags they were
counted under (core/tags.py). After an edit moves them, the counts kept are shown while a
background task counts again (finder/tasks.py, run by `manage.py db_worker` in production), so
no visitor waits for a recount; a combination never counted before is counted on the request.
The filter form labelled with them is cached as a rendered fragment by the listing's template,
under `Facets.form_cache_key`.
"""

import hashlib

from django.db.models import Count
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.recent import Recent
from core.tags import COUNTS_SECONDS, LISTINGS, SITE, counted, keep_counts, key_text, versions_of
from core.templatetags.figures import dollars
from programs.querysets import COST_FIELD, LENGTH_FIELD, school_has, unknown

from .filters import FLAGS, STEPS, UP_TO

# This process's most recently used current counts (never stale ones), in front of the shared
# cache; read only, never changed.
recent_counts = Recent(size=1000)
STEP_LABELS = {
    "cost_max": (
        lambda v: _("Up to %(amount)s") % {"amount": dollars(v)},
        gettext_lazy("Any cost"),
    ),
    "tuition_max": (
        lambda v: _("Up to %(amount)s a year") % {"amount": dollars(v)},
        gettext_lazy("Any yearly tuition"),
    ),
    "length_max": (
        lambda v: _("Up to %(months)s months") % {"months": v},
        gettext_lazy("Any length"),
    ),
}
# The sorts that put programs with no figure last, under a divider: the figure each sorts by.
SORTED_FIGURES = {
    "cost": COST_FIELD,
    "length": LENGTH_FIELD,
    "graduates": "graduates_per_year",
}


class Facets:
    """The facet counts of one filtered listing (`filterset`, a bound ProgramFilter)."""

    def __init__(self, filterset):
        self.filterset = filterset

    @cached_property
    def key(self):
        digest = hashlib.sha256(repr(self.filterset.combination()).encode()).hexdigest()
        return f"facets:v2:{digest}"  # v2: kept by core.tags.counted

    @cached_property
    def kept(self):
        """{"version", "counts"} of this combination: this process's recent current counts, or
        as the shared cache keeps them (`counted`: after an edit, the kept counts while
        finder/tasks.py counts again; counted here only when none are kept)."""
        current = versions_of(SITE, LISTINGS)
        kept = recent_counts.get((self.key, current))
        if kept is not None:
            return kept
        counts, version = counted(self.key, current, self.count, self.ask_for_recount)
        kept = {"version": version, "counts": counts}
        if version == current:
            recent_counts.put((self.key, current), kept, COUNTS_SECONDS)
        return kept

    def recount(self, versions):
        keep_counts(self.key, versions, self.count())

    def ask_for_recount(self):
        from .tasks import recount_facets  # tasks build a Facets of their own

        data = self.filterset.data if self.filterset.is_bound else None
        recount_facets.enqueue(data.urlencode() if data else "")

    @property
    def version(self):
        """The versions the counts shown were counted under: the rendered filter form is keyed
        on them."""
        return self.kept["version"]

    @property
    def is_stale(self):
        """Whether the counts shown are older than the listing (a recount is on its way)."""
        return self.kept["version"] != versions_of(SITE, LISTINGS)

    @property
    def counts(self):
        """Every facet's counts for this combination of filters."""
        return self.kept["counts"]

    @property
    def total(self):
        """How many programs match, taken from the career facet instead of a COUNT query: every
        listed program has exactly one career. 0 with a ZIP code that can't be used: none are
        listed."""
        if self.filterset.zip_is_invalid:
            return 0
        by_career = self.counts["career"]
        career = self.filterset.active().get("career")
        return by_career.get(career, 0) if career else sum(by_career.values())

    @property
    def form_cache_key(self):
        """What the rendered filter form depends on: the values sent and the content version
        (which moves the counts and the choices). None when the form shows errors: rendered
        fresh."""
        filterset = self.filterset
        if filterset.is_bound and filterset.form.errors:
            return None
        data = filterset.data if filterset.is_bound else {}
        sent = sorted((name, data.getlist(name)) for name in filterset.form.fields if name in data)
        return f"{key_text(self.version)}:{sent!r}"

    # Counting

    def without(self, excluded):
        """The base queryset with every active filter applied except `excluded`."""
        filterset = self.filterset
        queryset = filterset.queryset.all()
        for name, value in filterset.active().items():
            if name != excluded:
                queryset = filterset.filters[name].filter(queryset, value)
        return queryset.order_by()

    def counts_by(self, excluded, path):
        # A program has at most one row per certification, so no DISTINCT is needed.
        rows = self.without(excluded).values(path).annotate(n=Count("pk"))
        return {row[path]: row["n"] for row in rows}

    def step_values(self, name, steps):
        chosen = self.filterset.valid.get(name)
        return sorted({*steps, int(chosen)} if chosen is not None else set(steps))

    def scalar_counts(self):
        """The yes/no and "up to" counts, with how many programs have no figure for each "up
        to" filter ("cost_max:unknown": left out by it, or let in) and for each sort ("sorted:
        cost": listed last). Those whose filter is not active share one query (their base is
        every active filter); each active one needs its own base without itself."""
        wanted = {name: {name: school_has(flag)} for name, (_label, flag) in FLAGS.items()}
        for name, condition, steps in STEPS:
            wanted[name] = {f"{name}:{v}": condition(v) for v in self.step_values(name, steps)}
            wanted[name][f"{name}:unknown"] = unknown(UP_TO[name].field)
        active = self.filterset.active()
        groups = [(None, [n for n in wanted if n not in active])]
        groups += [(name, [name]) for name in wanted if name in active]
        counts = {}
        for excluded, names in groups:
            conditions = {key: q for name in names for key, q in wanted[name].items()}
            if excluded is None:
                conditions |= {f"sorted:{s}": unknown(f) for s, f in SORTED_FIGURES.items()}
            if conditions:
                counts |= self.without(excluded).aggregate(
                    **{key: Count("pk", filter=q) for key, q in conditions.items()}
                )
        return counts

    def count(self):
        return {
            "career": self.counts_by("career", "career__slug"),
            "state": {c.lower(): n for c, n in self.counts_by("state", "school__state").items()},
            "credential": self.counts_by("credential", "credential_level"),
            "sector": self.counts_by("sector", "school__sector"),
            "certification": self.counts_by("certification", "certifications__slug"),
            "scalar": self.scalar_counts(),
        }

    # Showing them

    def labelled_form(self):
        """The filter form with every choice labelled with its count. Asked for by the listing's
        template only when its rendered form is not kept (`form_cache_key`)."""
        if not getattr(self, "_labelled", False):
            self.label_form()
            self._labelled = True
        return self.filterset.form

    def label_form(self):
        counts, form = self.counts, self.filterset.form
        fields = form.fields
        for name in ("career", "state", "credential", "sector"):
            fields[name].choices = labelled(fields[name].choices, counts[name])
        by_cert = counts["certification"]
        chosen = self.filterset.valid.get("certification")
        fields["certification"].choices = [
            (value, label)
            for value, label in labelled(fields["certification"].choices, by_cert)
            if by_cert.get(value) or value == chosen
        ]
        scalar = counts["scalar"]
        for name, (label, _field) in FLAGS.items():
            form[name].label = f"{label} ({scalar[name]:,})"  # BoundFields cache labels
        for name, _condition, steps in STEPS:
            describe, empty = STEP_LABELS[name]
            fields[name].widget.choices = [("", empty)] + [
                (str(v), f"{describe(v)} ({scalar[f'{name}:{v}']:,})")
                for v in self.step_values(name, steps)
            ]
            include = form[UP_TO[name].include_param]
            include.label = f"{include.label} ({scalar[f'{name}:unknown']:,})"

    # What the listing says of programs with no figure

    def left_out(self):
        """For each active "up to" filter: (how many programs with no figure it leaves out, or
        lets in; whether it lets them in; its UpTo)."""
        filterset, scalar = self.filterset, self.counts["scalar"]
        return [
            (scalar[f"{name}:unknown"], filterset.includes_unknown(name), up_to)
            for name, up_to in UP_TO.items()
            if name in filterset.active()
        ]

    def listed_last(self):
        """How many of the listed programs have no figure for the sort, so come last."""
        return self.counts["scalar"].get(f"sorted:{self.filterset.sort_key}", 0)


def labelled(choices, counts):
    """Each choice labelled with its count. The empty choice ("Any …") is left out: the filter's
    field puts it back first, so keeping it here would show it twice."""
    return [(value, f"{label} ({counts.get(value, 0):,})") for value, label in choices if value]
