"""What editors teach search: the short forms students type, and what they stand for."""

from django.core.exceptions import ValidationError
from django.db import models

from .terms import unaccented


class Synonym(models.Model):
    """A term ("lpn", "pharm tech") searched as its expansion ("Licensed Practical Nurse").

    search/understanding.py replaces the term, wherever it stands as whole words in a query, by
    the expansion before the query is searched; the page says so ("lpn" means …).
    """

    term = models.CharField(
        max_length=60,
        unique=True,
        help_text='What students type, in lower case: a word or a few ("lpn", "pharm tech").',
    )
    expansion = models.CharField(
        max_length=120,
        help_text='What it stands for, as our pages name it ("Licensed Practical Nurse").',
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why, for other editors.")

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return f"{self.term} → {self.expansion}"

    def clean(self):
        # Matched against queries without accents (search/understanding.py).
        self.term = " ".join(unaccented(self.term).split())
        if not self.term:
            raise ValidationError({"term": "Give the word or words students type."})
        if self.term == " ".join(self.expansion.lower().split()):
            raise ValidationError({"expansion": "The expansion must differ from the term."})
