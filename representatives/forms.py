from django import forms

from careers.models import Accreditor, Career, Certification
from programs.models import CredentialLevel, Program


class RepresentativeRequestForm(forms.Form):
    email = forms.EmailField(
        label="Your work email",
        help_text="Use your address at the school. We send a sign-in link there; no password.",
        max_length=254,
    )


class ProgramUpdateForm(forms.ModelForm):
    """What a school representative can report about one of its programs."""

    no_longer_offered = forms.BooleanField(
        required=False, label="The school no longer offers this program"
    )
    certifications = forms.ModelMultipleChoiceField(
        queryset=Certification.objects.order_by("abbreviation"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Certification exams the program prepares students for",
    )
    accreditor = forms.ChoiceField(
        choices=[("", "None, or not known"), *Accreditor.choices],
        required=False,
        label="Who accredits this program itself (not the whole school)",
        help_text="Our editors check the accreditor's own list before the site says so.",
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
            "tuition_and_fees": "Tuition and fees for the whole program ($)",
            "books_and_supplies": "Books and supplies for the whole program ($)",
            "cost_includes": "What the cost includes (uniforms, exam fee, background check…)",
            "length": "Program length (in the unit below)",
            "certifications": "Certification exams the program prepares students for",
            "accreditation_evidence": "Link to the accreditor's listing of this program",
        }
        help_texts = {
            "accreditation_evidence": "The page on the accreditor's site (or the board's list) "
            "that names this program.",
        }


class NewProgramForm(ProgramUpdateForm):
    """A program the school offers that federal data does not list."""

    career = forms.ModelChoiceField(
        queryset=Career.objects.published(), to_field_name="slug", empty_label=None
    )
    credential_level = forms.ChoiceField(choices=CredentialLevel.choices)

    field_order = ["career", "credential_level"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["no_longer_offered"]
