from django import forms
from django.utils.translation import gettext_lazy

from careers.models import Accreditor, Career, Certification
from core.i18n import translated
from programs.models import CredentialLevel, Program


class CareerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return translated(obj, "title")


class RepresentativeRequestForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Your work email"),
        help_text=gettext_lazy(
            "Use your address at the school. We send a sign-in link there; no password."
        ),
        max_length=254,
    )


class ProgramUpdateForm(forms.ModelForm):
    """What a school representative can report about one of its programs."""

    no_longer_offered = forms.BooleanField(
        required=False, label=gettext_lazy("The school no longer offers this program")
    )
    certifications = forms.ModelMultipleChoiceField(
        queryset=Certification.objects.order_by("abbreviation"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Certification exams the program prepares students for"),
    )
    accreditor = forms.ChoiceField(
        choices=[("", gettext_lazy("None, or not known")), *Accreditor.choices],
        required=False,
        label=gettext_lazy("Who accredits this program itself (not the whole school)"),
        help_text=gettext_lazy(
            "Our editors check the accreditor's own list before the site says so."
        ),
    )

    class Meta:
        model = Program
        fields = [
            "tuition_and_fees", "books_and_supplies", "cost_includes", "months_to_complete",
            "length", "length_unit", "offers_day", "offers_evening", "offers_weekend",
            "delivery_format", "externship_hours", "certifications", "accreditor",
            "accreditation_evidence", "admission_requirements", "program_url",
        ]  # fmt: skip
        widgets = {
            "offers_day": forms.NullBooleanSelect,
            "offers_evening": forms.NullBooleanSelect,
            "offers_weekend": forms.NullBooleanSelect,
            "certifications": forms.CheckboxSelectMultiple,
            "cost_includes": forms.Textarea(attrs={"rows": 3}),
            "admission_requirements": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "tuition_and_fees": gettext_lazy("Tuition and fees for the whole program ($)"),
            "books_and_supplies": gettext_lazy("Books and supplies for the whole program ($)"),
            "cost_includes": gettext_lazy(
                "What the cost includes (uniforms, exam fee, background check…)"
            ),
            "length": gettext_lazy("Program length (in the unit below)"),
            "certifications": gettext_lazy("Certification exams the program prepares students for"),
            "accreditation_evidence": gettext_lazy(
                "Link to the accreditor's listing of this program"
            ),
        }
        help_texts = {
            "accreditation_evidence": gettext_lazy(
                "The page on the accreditor's site (or the board's list) that names this program."
            ),
        }


class NewProgramForm(ProgramUpdateForm):
    """A program the school offers that federal data does not list."""

    career = CareerChoiceField(
        queryset=Career.objects.published(),
        to_field_name="slug",
        empty_label=None,
        label=gettext_lazy("Career"),
    )
    credential_level = forms.ChoiceField(
        choices=CredentialLevel.choices, label=gettext_lazy("Credential level")
    )

    field_order = ["career", "credential_level"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["no_longer_offered"]
