"""What the site's CSV files hold: the admin's import and export of schools and programs
(django-import-export), and the public download of the program listing.

Admin rows are matched on their natural keys (IPEDS unitid; unitid + CIP + credential level);
the admin shows every row's validation errors in a preview before anything is saved. Every
exported cell goes through core.csvsafe, so a spreadsheet never runs a value as a formula.
"""

from django.db.models import FloatField, Value
from django.urls import reverse
from import_export import fields, resources, widgets

from careers.models import Career
from core.csvsafe import csv_safe, csv_unescape
from core.provenance import Source, values_record_edits

from .models import CredentialLevel, Program, School, Sector


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


class ProgramResource(SpreadsheetSafeResource):
    unitid = fields.Field(
        attribute="school",
        column_name="unitid",
        widget=widgets.ForeignKeyWidget(School, field="unitid"),
    )
    career = fields.Field(
        attribute="career",
        column_name="career",
        widget=widgets.ForeignKeyWidget(Career, field="slug"),
    )

    class Meta:
        model = Program
        import_id_fields = ["unitid", "cip_code", "credential_level"]
        fields = [
            "id", "unitid", "career", "cip_code", "cip_title", "credential_level", "length",
            "length_unit", "months_to_complete", "tuition_and_fees", "books_and_supplies",
            "cost_gap", "graduates_per_year", "status", "data_source", "data_year",
            "last_verified",
        ]  # fmt: skip
        exclude = ["total_cost"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


def labels(choices):
    """A stored choice as get_FOO_display() shows it (the value itself if it isn't a choice)."""
    names = dict(choices)
    return lambda value: names.get(value, value)


# The public download of the listing, /programs/export.csv: each column's name, what
# .values_list() reads for it, and how the stored value is shown (None: as it is).
PROGRAM_CSV_COLUMNS = [
    ("program_url", "pk", None),  # made the program page's address by program_csv_rows
    ("school", "school__name", None),
    ("city", "school__city", None),
    ("state", "school__state", None),
    ("ipeds_unitid", "school__unitid", None),
    ("career", "career__title", None),
    ("credential", "credential_level", labels(CredentialLevel.choices)),
    ("cip_code", "cip_code", None),
    ("total_cost_usd", "total_cost", None),
    ("tuition_and_fees_usd", "tuition_and_fees", None),
    ("books_and_supplies_usd", "books_and_supplies", None),
    ("cost_note", "cost_gap", labels(Program.CostGap.choices)),
    ("months_to_complete", "months_to_complete", None),
    ("length", "length", None),
    ("length_unit", "length_unit", labels(Program.LengthUnit.choices)),
    ("graduates_2023_24", "graduates_per_year", None),
    ("school_type", "school__sector", labels(Sector.choices)),
    ("federal_student_aid", "school__federal_aid_eligible", None),
    ("school_offers_distance_education", "school__distance_education", None),
    ("school_offers_evening_weekend", "school__evening_weekend", None),
    ("open_admission", "school__open_admission", None),
    ("distance_miles", "distance_miles", None),  # from a ZIP code search, else empty
    ("data_source", "data_source", None),
    ("data_year", "data_year", None),
    ("last_verified", "last_verified", None),
]
URL_PLACEHOLDER = 918273645


def program_csv_rows(programs, origin):
    """The header and then one row per program for the public CSV, read as plain values (no
    model instances) in the queryset's order; `origin` ("https://example.org"), worked out once
    per request, makes each program page's address absolute. Cells are csv_safe."""
    if "distance_miles" not in programs.query.annotations:
        programs = programs.annotate(distance_miles=Value(None, output_field=FloatField()))
    url = reverse("programs:program_detail", kwargs={"pk": URL_PLACEHOLDER})
    before, after = url.split(str(URL_PLACEHOLDER))
    before = origin + before
    shows = [show for _, _, show in PROGRAM_CSV_COLUMNS]
    shows[0] = lambda pk: f"{before}{pk}{after}"
    yield [name for name, _, _ in PROGRAM_CSV_COLUMNS]
    paths = [path for _, path, _ in PROGRAM_CSV_COLUMNS]
    for values in programs.values_list(*paths).iterator(chunk_size=2000):
        yield [
            csv_safe(show(value) if show else value)
            for show, value in zip(shows, values, strict=True)
        ]
