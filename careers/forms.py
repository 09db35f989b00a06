from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy

from core.tags import SITE, kept, versions_of

from .models import ZipCode


class ZipCodeField(forms.CharField):
    """A five-digit ZIP code, cleaned to its ZipCode row (centre point, metro area, state)."""

    default_error_messages = {
        "unknown": gettext_lazy(
            "We have no location for ZIP code %(code)s. Check it, or choose a state instead."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("ZIP code"))
        kwargs.setdefault("max_length", 5)
        kwargs.setdefault(
            "validators",
            [
                RegexValidator(
                    r"^[0-9]{5}\Z", gettext_lazy("Enter a five-digit ZIP code, like 60601.")
                )
            ],
        )
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "inputmode": "numeric",
            "autocomplete": "postal-code",
            "pattern": "[0-9]{5}",
        }

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        # ZIP codes change only with an import, which moves `site`.
        place = kept(f"zip:{code}", versions_of(SITE), ZipCode.objects.filter(code=code).first)
        if place is None:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"code": code}
            )
        return place


class PayLookupForm(forms.Form):
    zip = ZipCodeField(
        required=True, help_text=gettext_lazy("We show the pay for your metro area.")
    )
