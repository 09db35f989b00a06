from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from careers.models import Career
from core.pages import safe_local_path
from programs.models import Program, School

from .models import Correction, correctable_fields

# What a correction can be about: "program:12", "school:34", "career:medical-assistant".
TARGETS = {"program": (Program, "pk"), "school": (School, "pk"), "career": (Career, "slug")}

# The labels visitors see for CORRECTABLE_FIELDS (models.py keeps the English ones editors see
# and that are stored in `Correction.field`).
FIELD_LABELS = {
    "tuition_and_fees": gettext_lazy("Tuition and fees (whole program)"),
    "books_and_supplies": gettext_lazy("Books and supplies (whole program)"),
    "months_to_complete": gettext_lazy("Months to complete"),
    "length": gettext_lazy("Program length"),
    "graduates_per_year": gettext_lazy("Graduates per year"),
    "name": gettext_lazy("School name"),
    "address": gettext_lazy("Street address"),
    "city": gettext_lazy("City"),
    "zip_code": gettext_lazy("ZIP code"),
    "website": gettext_lazy("Website"),
    "net_price_calculator_url": gettext_lazy("Net price calculator link"),
}
LENGTH_LABELS = {
    Program.LengthUnit.CLOCK_HOURS: gettext_lazy("Program length (clock hours)"),
    Program.LengthUnit.CREDIT_HOURS: gettext_lazy("Program length (credit hours)"),
}


def field_label(name: str, english: str, length_unit: str = "") -> str:
    """A correctable field's label in the active language (`english` if we have none)."""
    if name == "length" and length_unit in LENGTH_LABELS:
        return str(LENGTH_LABELS[length_unit])
    return str(FIELD_LABELS.get(name, english))


def correction_target(obj) -> str:
    """The hidden `target` value of the corrections form on `obj`'s page."""
    kind = type(obj).__name__.lower()
    _, key = TARGETS[kind]
    return f"{kind}:{getattr(obj, key)}"


def _target_object(target: str):
    kind, _, key = target.partition(":")
    if kind not in TARGETS or not key:
        return None
    model, field = TARGETS[kind]
    if field == "pk" and not (key.isascii() and key.isdigit() and len(key) < 19):
        return None  # "²".isdigit() is True
    return model.objects.filter(**{field: key}).first()


class CorrectionForm(forms.ModelForm):
    target = forms.CharField(widget=forms.HiddenInput, required=False, max_length=120)
    # A field people never see (hidden by CSS and from screen readers); bots fill it in.
    website = forms.CharField(
        required=False,
        label=gettext_lazy("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Correction
        fields = [
            "page_url",
            "target_field",
            "field",
            "current_value",
            "proposed_value",
            "evidence",
            "contact_email",
        ]
        widgets = {
            "page_url": forms.HiddenInput,
            "current_value": forms.Textarea(attrs={"rows": 2}),
            "proposed_value": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "field": gettext_lazy("What needs updating?"),
            "current_value": gettext_lazy("What the page says now (optional)"),
            "proposed_value": gettext_lazy("What it should say"),
            "evidence": gettext_lazy("How do you know? A link or source helps us check (optional)"),
            "contact_email": gettext_lazy("Your email, if you'd like to hear back (optional)"),
        }
        help_texts = {
            "field": gettext_lazy("For example: tuition, program length, the school's address."),
            "contact_email": gettext_lazy("We only use it to tell you what we did with your note."),
        }

    def __init__(self, *args, length_unit=None, **kwargs):
        """`length_unit`: the program's, for an unbound form (a bound one looks it up)."""
        super().__init__(*args, **kwargs)
        target = self.data.get("target") if self.is_bound else self.initial.get("target")
        kind = str(target or "").partition(":")[0]
        if length_unit is None:
            program = self.find_target(str(target or "")) if kind == "program" else None
            length_unit = program.length_unit if program else ""
        self._kind, self._length_unit = kind, length_unit
        choices = correctable_fields(kind, length_unit)
        self.fields["field"].required = False
        if choices:
            self.fields["target_field"] = forms.ChoiceField(
                label=_("What needs updating?"),
                choices=[
                    *(
                        (name, field_label(name, english, length_unit))
                        for name, english in choices.items()
                    ),
                    ("", _("Something else")),
                ],
                required=False,
            )
            self.fields["field"].label = _("Describe it, if you chose “Something else”")
            self.fields["field"].help_text = ""
            self.order_fields(self._meta.fields)
        else:
            del self.fields["target_field"]

    def clean(self):
        data = super().clean()
        chosen = data.get("target_field")
        if not data.get("field"):
            if chosen:
                # Stored as editors read it, in English, whatever the visitor's language.
                with translation.override(settings.LANGUAGE_CODE):
                    data["field"] = str(correctable_fields(self._kind, self._length_unit)[chosen])
            elif "field" not in self.errors:
                self.add_error("field", _("Tell us what needs updating."))
        return data

    def clean_page_url(self):
        return safe_local_path(self.cleaned_data["page_url"])

    def clean_target(self):
        """The object the page shows, or None; an unknown target never loses the note."""
        return self.find_target(self.cleaned_data["target"])

    def find_target(self, target: str):
        if not hasattr(self, "_targets"):
            self._targets = {}
        if target not in self._targets:
            self._targets[target] = _target_object(target)
        return self._targets[target]

    @property
    def is_spam(self):
        return bool(self.cleaned_data.get("website"))

    def save(self, commit=True):
        # Emails about the editors' decision go out in the language the visitor used.
        self.instance.language = translation.get_language() or settings.LANGUAGE_CODE
        target = self.cleaned_data.get("target")
        for kind, (model, _key) in TARGETS.items():
            if isinstance(target, model):
                setattr(self.instance, kind, target)
        return super().save(commit)
