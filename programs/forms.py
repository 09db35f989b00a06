from django import forms
from django.utils.http import url_has_allowed_host_and_scheme

from careers.models import Career

from .models import Correction, Program, School

# What a correction can be about: "program:12", "school:34", "career:medical-assistant".
TARGETS = {"program": (Program, "pk"), "school": (School, "pk"), "career": (Career, "slug")}


def safe_local_path(page) -> str:
    """A path on this site to link back to; anything else (another site, javascript:) is "/"."""
    page = str(page or "")
    if page.startswith("/") and url_has_allowed_host_and_scheme(page, None):
        return page
    return "/"


def correction_target(obj) -> str:
    """The hidden `target` value of the corrections form on `obj`'s page."""
    kind = type(obj).__name__.lower()
    _, key = TARGETS[kind]
    return f"{kind}:{getattr(obj, key)}"


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
        fields = ["page_url", "field", "current_value", "proposed_value", "evidence",
                  "contact_email"]  # fmt: skip
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

    def clean_page_url(self):
        return safe_local_path(self.cleaned_data["page_url"])

    def clean_target(self):
        """The object the page shows, or None; an unknown target never loses the note."""
        kind, _, key = self.cleaned_data["target"].partition(":")
        if kind not in TARGETS or not key:
            return None
        model, field = TARGETS[kind]
        if field == "pk" and not (key.isascii() and key.isdigit()):  # "²".isdigit() is True
            return None
        return model.objects.filter(**{field: key}).first()

    @property
    def is_spam(self):
        return bool(self.cleaned_data.get("website"))

    def save(self, commit=True):
        target = self.cleaned_data.get("target")
        for kind, (model, _) in TARGETS.items():
            if isinstance(target, model):
                setattr(self.instance, kind, target)
        return super().save(commit)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the directory", max_length=100, strip=True)
