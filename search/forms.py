from django import forms


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the directory", max_length=100, strip=True)
