from django.contrib import admin

from .models import Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Editors keep the short forms search understands; a change shows on the next search."""

    list_display = ["term", "expansion", "note"]
    search_fields = ["term", "expansion"]
    ordering = ["term"]
