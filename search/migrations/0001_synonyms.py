from django.db import migrations, models

from core.roles import grant

# The short forms students type, and what our pages call them. Editors keep the list in the admin.
SYNONYMS = [
    ("lpn", "Licensed Practical Nurse", "Licensed practical nurse"),
    ("lvn", "Licensed Practical Nurse", "Licensed vocational nurse: the LPN's name in CA and TX"),
    ("vocational nurse", "Licensed Practical Nurse", "The LPN's name in California and Texas"),
    ("ma", "Medical Assistant", "Medical assistant (also Massachusetts: type the state's name)"),
    ("cma", "Certified Medical Assistant", "CMA (AAMA)"),
    ("rma", "Registered Medical Assistant", "RMA (AMT)"),
    ("ccma", "Certified Clinical Medical Assistant", "CCMA (NHA)"),
    ("ncma", "National Certified Medical Assistant", "NCMA (NCCT)"),
    ("cmaa", "Certified Medical Administrative Assistant", "CMAA (NHA)"),
    ("med admin", "Medical Administrative Assistant", ""),
    ("medical secretary", "Medical Administrative Assistant", ""),
    ("medical receptionist", "Medical Administrative Assistant", ""),
    ("phleb", "Phlebotomy", ""),
    ("phlebotomist", "Phlebotomy Technician", ""),
    ("cpt", "Certified Phlebotomy Technician", "CPT (NHA)"),
    ("ecg", "EKG", "Electrocardiogram: ECG and EKG are the same test"),
    ("ekg tech", "EKG Technician", ""),
    ("electrocardiograph", "EKG", "The machine; our pages say EKG"),
    ("electrocardiogram", "EKG", "The test; our pages say EKG"),
    ("cet", "Certified EKG Technician", "CET (NHA)"),
    ("pharm tech", "Pharmacy Technician", ""),
    ("pharmacy tech", "Pharmacy Technician", ""),
    ("cpht", "Certified Pharmacy Technician", "CPhT (PTCB)"),
    ("surg tech", "Surgical Technologist", ""),
    ("surgical tech", "Surgical Technologist", ""),
    ("scrub tech", "Surgical Technologist", ""),
    ("cst", "Certified Surgical Technologist", "CST (NBSTSA)"),
    ("medical coder", "Medical Billing and Coding Specialist", ""),
    ("medical biller", "Medical Billing and Coding Specialist", ""),
    ("cpc", "Certified Professional Coder", "CPC (AAPC)"),
    ("cbcs", "Certified Billing and Coding Specialist", "CBCS (NHA)"),
]


def seed_synonyms(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for term, expansion, note in SYNONYMS:
        Synonym.objects.get_or_create(term=term, defaults={"expansion": expansion, "note": note})


def grant_editors(apps, schema_editor):
    """Editors keep the synonyms."""
    grant(apps, "Editor", "search", "synonym", ["add", "change", "delete", "view"])


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="Synonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "term",
                    models.CharField(
                        help_text='What students type, in lower case: a word or a few ("lpn", '
                        '"pharm tech").',
                        max_length=60,
                        unique=True,
                    ),
                ),
                (
                    "expansion",
                    models.CharField(
                        help_text='What it stands for, as our pages name it ("Licensed Practical '
                        'Nurse").',
                        max_length=120,
                    ),
                ),
                (
                    "note",
                    models.CharField(
                        blank=True, help_text="Why, for other editors.", max_length=200
                    ),
                ),
            ],
            options={"ordering": ["term"]},
        ),
        migrations.RunPython(seed_synonyms, migrations.RunPython.noop),
        migrations.RunPython(grant_editors, migrations.RunPython.noop),
    ]
