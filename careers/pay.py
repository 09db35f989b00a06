"""Pay lookups: an occupation's wages nationally, by state, and near a ZIP code."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.geography import state_name

from .models import WageEstimate, ZipCode


@dataclass
class LocalPay:
    place: ZipCode
    wage: WageEstimate | None
    fallback_reason: str = ""  # set when the state's figure stands in for the metro area's

    @property
    def is_state_fallback(self):
        return bool(self.fallback_reason)


def pay_near(*, soc_code: str, place: ZipCode) -> LocalPay:
    """The metro-area wage for a ZIP code's CBSA, or the state's, saying why (in the active
    language: each reason is one whole sentence to translate)."""
    wages = WageEstimate.objects.for_occupation(soc_code)
    if place.cbsa_code:
        metro = wages.for_metro(place.cbsa_code).first()
        if metro and metro.annual_median is not None:
            return LocalPay(place, metro)
        why = "metro_named" if place.cbsa_name else "metro"
    else:
        why = "no_metro"
    state = (
        wages.for_state(place.state).exclude(annual_median=None).first() if place.state else None
    )
    params = {"metro": place.cbsa_name, "zip": place.code}
    if place.state:
        params["state"] = state_name(place.state)
        reason = {
            "metro_named": _(
                "BLS publishes no figure for this occupation in the %(metro)s area, so this is "
                "the figure for %(state)s"
            ),
            "metro": _(
                "BLS publishes no figure for this occupation in its metro area, so this is the "
                "figure for %(state)s"
            ),
            "no_metro": _(
                "our ZIP code data places %(zip)s in no metropolitan area, so this is the figure "
                "for %(state)s"
            ),
        }[why]
    else:
        reason = {
            "metro_named": _(
                "BLS publishes no figure for this occupation in the %(metro)s area, so this is "
                "the figure for its state"
            ),
            "metro": _(
                "BLS publishes no figure for this occupation in its metro area, so this is the "
                "figure for its state"
            ),
            "no_metro": _(
                "our ZIP code data places %(zip)s in no metropolitan area, so this is the figure "
                "for its state"
            ),
        }[why]
    return LocalPay(place, state, reason % params)


def medians_by_state(soc_code: str):
    """State rows with a published median, highest first."""
    return (
        WageEstimate.objects.for_occupation(soc_code)
        .states()
        .exclude(annual_median=None)
        .order_by("-annual_median", "area_name")
    )
