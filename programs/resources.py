"""What the site's CSV files hold: the admin's import and export of schools and programs
(django-import-export), and the public download of the program listing (export.py).

The program columns are listed once, in PROGRAM_CSV_COLUMNS: the public download and the admin's
program resource both read that list. Admin rows are matched on their natural keys (IPEDS
unitid; unitid + CIP + credential level); the admin shows every row's validation errors in a
preview before anything is saved. Every exported cell goes through core.csvsafe, so a
spreadsheet never runs a value as a formula.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import override
from import_export import fields, resources, widgets

from careers.models import PublishStatus
from core.csvsafe import csv_safe, csv_unescape
from core.provenance import Source, values_record_edits

from .costs import CostBasis
from .models import CredentialLevel, Program, School, Sector
from .outcomes import OutcomeFlag


class SpreadsheetSafeResource(resources.ModelResource):
    """Every exported cell through csv_safe, whatever format the editor picks (CSV, XLSX...);
    an import takes back the `'` that csv_safe added, so a round trip stores the values as they
    were. (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only drops a leading "=", and only that.)"""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        # A number column writes a number or nothing, never a formula: a negative longitude
        # stays a number.
        return value if isinstance(field.widget, widgets.NumberWidget) else csv_safe(value)

    def before_import_row(self, row, **kwargs):
        for column in row:
            row[column] = csv_unescape(row[column])

    def before_save_instance(self, instance, row, **kwargs):
        """What an editor's spreadsheet changes is recorded as updated by our editors."""
        values_record_edits(instance, source=Source.EDITOR)


class SchoolResource(SpreadsheetSafeResource):
    class Meta:
        model = School
        import_id_fields = ["unitid"]
        fields = [
            "unitid", "name", "slug", "address", "city", "state", "zip_code", "latitude",
            "longitude", "website", "net_price_calculator_url", "sector", "sector_detail",
            "distance_education", "open_admission", "evening_weekend", "federal_aid_eligible",
            "tuition_in_state_per_year", "tuition_out_of_state_per_year", "data_source",
            "data_year", "last_verified",
        ]  # fmt: skip
        clean_model_instances = True  # full_clean() on every row: errors shown in the preview
        skip_unchanged = True
        report_skipped = True


def english_labels(choices) -> dict:
    """{stored value: label} in English, whatever the request's language: the CSV files (the
    public download and the admin's) are in English, and the download is cached for every
    language alike."""
    with override("en"):
        return {value: str(label) for value, label in choices}


def labels(choices):
    """A stored choice as get_FOO_display() shows it in English (the value itself if it isn't a
    choice). The labels are read on first use, not at import."""
    names = {}

    def show(value):
        if not names:
            names.update(english_labels(choices))
        return names.get(value, value)

    return show


@dataclass(frozen=True)
class Column:
    """One column of the program CSVs.

    `name` heads it in the public download, /programs/export.csv (None: not there); `path` is
    what is read for it from a program (a .values_list() path); `choices`, if given, show a
    stored value as its label. In the admin's file it is headed by `path` when that is a
    Program field, else by `name`, or by `admin_name`; `writes`: an admin import sets it (else
    the admin exports it only); `found_by`: other fields of a related row (career, school) an
    import may name it by, besides the one exported.
    """

    name: str | None
    path: str
    choices: list | None = None
    writes: bool = False
    admin: bool = True
    admin_name: str | None = None
    found_by: tuple[str, ...] = ()

    @property
    def show(self) -> Callable | None:
        return labels(self.choices) if self.choices else None

    @property
    def header_in_admin(self) -> str:
        return self.admin_name or (self.name if "__" in self.path else self.path)


PROGRAM_CSV_COLUMNS = [
    Column("program_url", "pk", admin=False),  # the page's address (export.program_csv_rows)
    Column("school", "school__name"),
    Column("city", "school__city"),
    Column("state", "school__state"),
    Column("ipeds_unitid", "school__unitid", writes=True, admin_name="unitid"),
    Column("career", "career__title", writes=True, found_by=("slug",)),
    Column("credential", "credential_level", CredentialLevel.choices, writes=True),
    Column("cip_code", "cip_code", writes=True),
    Column(None, "cip_title", writes=True),
    Column("total_cost_usd", "total_cost"),  # tuition and fees plus books, by the database
    Column("tuition_and_fees_usd", "tuition_and_fees", writes=True),
    Column("books_and_supplies_usd", "books_and_supplies", writes=True),
    Column("cost_note", "cost_gap", Program.CostGap.choices, writes=True),
    # Which figure a student sees (programs/costs.py), and the school's yearly tuition behind
    # "per year, school-wide".
    Column("cost_basis", "cost_basis", CostBasis.choices, admin=False),
    Column("school_tuition_in_state_per_year_usd", "school__tuition_in_state_per_year"),
    Column("school_tuition_out_of_state_per_year_usd", "school__tuition_out_of_state_per_year"),
    Column("months_to_complete", "months_to_complete", writes=True),
    Column("length", "length", writes=True),
    Column("length_unit", "length_unit", Program.LengthUnit.choices, writes=True),
    # Graduates in each academic year (an empty cell: nothing reported that year; 0 is a
    # reported 0), the latest one the count an edit may change, then the flag they raise.
    Column("graduates_2019_20", "graduates_by_year__2019-20"),
    Column("graduates_2020_21", "graduates_by_year__2020-21"),
    Column("graduates_2021_22", "graduates_by_year__2021-22"),
    Column("graduates_2022_23", "graduates_by_year__2022-23"),
    Column("graduates_2023_24", "graduates_per_year", writes=True),
    Column("graduates_flag", "outcome_flag", OutcomeFlag.CHOICES),
    Column("school_type", "school__sector", Sector.choices),
    Column("federal_student_aid", "school__federal_aid_eligible"),
    Column("school_offers_distance_education", "school__distance_education"),
    Column("school_offers_evening_weekend", "school__evening_weekend"),
    Column("open_admission", "school__open_admission"),
    Column("distance_miles", "distance_miles", admin=False),  # from a ZIP code search, else empty
    Column(None, "status", PublishStatus.choices, writes=True),
    Column("data_source", "data_source", writes=True),
    Column("data_year", "data_year", writes=True),
    Column("last_verified", "last_verified", writes=True),
]
PUBLIC_COLUMNS = [column for column in PROGRAM_CSV_COLUMNS if column.name]


class ShownWidget(widgets.Widget):
    """An exported-only value, written as the public download shows it."""

    def __init__(self, show=None):
        super().__init__(coerce_to_string=False)
        self.show = show

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return self.show(value) if self.show else value


class ChoiceWidget(widgets.CharWidget):
    """A choice written as its label; read back from its label or its stored value."""

    def __init__(self, choices):
        super().__init__(allow_blank=True)
        self.choices = choices
        self._labels = None

    @property
    def labels(self) -> dict:
        if self._labels is None:  # on first use, not at import: the labels may be translatable
            self._labels = english_labels(self.choices)
        return self._labels

    @property
    def values(self) -> dict:
        return {label: value for value, label in self.labels.items()}

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        return self.values.get(value, value)


class RelatedWidget(widgets.ForeignKeyWidget):
    """A related row written as its `field`; read back from that field or one of `found_by`."""

    def __init__(self, model, field, found_by=()):
        super().__init__(model, field=field)
        self.found_by = found_by

    def get_instance_by_lookup_fields(self, value, row, **kwargs):
        for name in self.found_by:
            found = self.get_queryset(value, row, **kwargs).filter(**{name: value}).first()
            if found is not None:
                return found
        return super().get_instance_by_lookup_fields(value, row, **kwargs)


def admin_field(column: Column) -> fields.Field:
    """The admin resource's field for a column of PROGRAM_CSV_COLUMNS."""
    header = column.header_in_admin
    if not column.writes:
        return fields.Field(
            attribute=column.path,
            column_name=header,
            widget=ShownWidget(column.show),
            readonly=True,
        )
    if "__" in column.path:  # a related row, named by one of its fields
        relation, field = column.path.split("__")
        model = Program._meta.get_field(relation).related_model
        widget = RelatedWidget(model, field, column.found_by)
        return fields.Field(attribute=relation, column_name=header, widget=widget)
    if column.choices:
        return fields.Field(
            attribute=column.path, column_name=header, widget=ChoiceWidget(column.choices)
        )
    django_field = Program._meta.get_field(column.path)
    field = SpreadsheetSafeResource.field_from_django_field(column.path, django_field, False)
    field.column_name = header
    return field


ADMIN_COLUMNS = [column for column in PROGRAM_CSV_COLUMNS if column.admin]


class ProgramResource(SpreadsheetSafeResource):
    """The admin's program file: the columns of PROGRAM_CSV_COLUMNS, choices written as their
    labels and the school's own details exported only."""

    class Meta:
        model = Program
        fields = [column.header_in_admin for column in ADMIN_COLUMNS]
        import_id_fields = ["unitid", "cip_code", "credential_level"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return super().get_queryset().select_related("school", "career")


# Its fields come from the column list, not from the model.
ProgramResource.fields = {column.header_in_admin: admin_field(column) for column in ADMIN_COLUMNS}
