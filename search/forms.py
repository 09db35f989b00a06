from django import forms
from django.utils.translation import gettext_lazy


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search the directory"), max_length=100, strip=True)
