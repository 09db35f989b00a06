"""Text typed by a visitor, a school or an editor, read as a value for a model field."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


def parse_value(field: models.Field, text: str):
    """A visitor's or editor's text as a value for `field` ("$14,500" -> 14500 for numbers; an
    empty text is "not reported" where the field allows it)."""
    text = text.strip()
    if text == "" and field.null:
        return None
    if isinstance(field, models.IntegerField | models.DecimalField):
        text = text.replace("$", "").replace(",", "").strip()
        if isinstance(field, models.IntegerField):
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise ValidationError(_("“%(text)s” is not a number.") % {"text": text}) from None
            if number != number.to_integral_value():
                raise ValidationError(_("“%(text)s” is not a whole number.") % {"text": text})
            return int(number)
    return field.to_python(text)
