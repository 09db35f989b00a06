"""CSV import and export of schools and programs in the admin (django-import-export).

Rows are matched on their natural keys (IPEDS unitid; unitid + CIP + credential level); the admin
shows every row's validation errors in a preview before anything is saved.
"""

from import_export import fields, resources, widgets

from careers.models import Career

from .models import Program, School


class SchoolResource(resources.ModelResource):
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


class ProgramResource(resources.ModelResource):
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
