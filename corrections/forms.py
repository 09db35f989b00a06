from django import forms

from careers.models import Career
from core.pages import safe_local_path
from programs.models import Program, School

from .models import Correction, correctable_fields

# What a correction can be about: "program:12", "school:34", "career:medical-assistant".
TARGETS = {"program": (Program, "pk"), "school": (School, "pk"), "career": (Career, "slug")}


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
        label="Leave this empty",
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
            "field": "What needs updating?",
            "current_value": "What the page says now (optional)",
            "proposed_value": "What it should say",
            "evidence": "How do you know? A link or source helps us check (optional)",
            "contact_email": "Your email, if you'd like to hear back (optional)",
        }
        help_texts = {
            "field": "For example: tuition, program length, the school's address.",
            "contact_email": "We only use it to tell you what we did with your note.",
        }

    def __init__(self, *args, length_unit=None, **kwargs):
        """`length_unit`: the program's, for an unbound form (a bound one looks it up)."""
        super().__init__(*args, **kwargs)
        target = self.data.get("target") if self.is_bound else self.initial.get("target")
        kind = str(target or "").partition(":")[0]
        if length_unit is None:
            program = self.find_target(str(target or "")) if kind == "program" else None
            length_unit = program.length_unit if program else ""
        choices = correctable_fields(kind, length_unit)
        self.fields["field"].required = False
        if choices:
            self.fields["target_field"] = forms.ChoiceField(
                label="What needs updating?",
                choices=[*choices.items(), ("", "Something else")],
                required=False,
            )
            self.fields["field"].label = "Describe it, if you chose “Something else”"
            self.fields["field"].help_text = ""
            self.order_fields(self._meta.fields)
        else:
            del self.fields["target_field"]

    def clean(self):
        data = super().clean()
        chosen = data.get("target_field")
        if not data.get("field"):
            if chosen:
                data["field"] = dict(self.fields["target_field"].choices)[chosen]
            elif "field" not in self.errors:
                self.add_error("field", "Tell us what needs updating.")
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
        target = self.cleaned_data.get("target")
        for kind, (model, _) in TARGETS.items():
            if isinstance(target, model):
                setattr(self.instance, kind, target)
        return super().save(commit)
