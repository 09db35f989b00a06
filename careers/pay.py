"""Pay lookups: an occupation's wages nationally, by state, and near a ZIP code."""

from dataclasses import dataclass

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
    """The metro-area wage for a ZIP code's CBSA, or the state's, saying why."""
    wages = WageEstimate.objects.for_occupation(soc_code)
    if place.cbsa_code:
        metro = wages.for_metro(place.cbsa_code).first()
        if metro and metro.annual_median is not None:
            return LocalPay(place, metro)
        reason = (
            f"BLS publishes no figure for this occupation in the {place.cbsa_name} area"
            if place.cbsa_name
            else "BLS publishes no figure for this occupation in its metro area"
        )
    else:
        reason = f"our ZIP code data places {place.code} in no metropolitan area"
    state = (
        wages.for_state(place.state).exclude(annual_median=None).first() if place.state else None
    )
    where = state_name(place.state) if place.state else "its state"
    return LocalPay(place, state, f"{reason}, so this is the figure for {where}")


def medians_by_state(soc_code: str):
    """State rows with a published median, highest first."""
    return (
        WageEstimate.objects.for_occupation(soc_code)
        .states()
        .exclude(annual_median=None)
        .order_by("-annual_median", "area_name")
    )
