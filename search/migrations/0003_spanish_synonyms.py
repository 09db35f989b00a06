from django.db import migrations

# What Spanish speakers type for the careers and what our pages call them in English (search
# reads queries without accents: search/understanding.py). Editors keep the list in the admin.
MEDICAL_ASSISTANT = "Medical Assistant"
ADMIN_ASSISTANT = "Medical Administrative Assistant"
BILLING = "Medical Billing and Coding Specialist"
PHLEBOTOMY = "Phlebotomy Technician"
PHARMACY = "Pharmacy Technician"
EKG = "EKG Technician"
SURGICAL = "Surgical Technologist"
LPN = "Licensed Practical Nurse"
SPANISH_SYNONYMS = {
    MEDICAL_ASSISTANT: [
        "asistente medico",
        "asistente medica",
        "asistente medico a",
        "asistente de medico",
        "asistente medico clinico",
        "auxiliar medico",
        "auxiliar medica",
    ],
    ADMIN_ASSISTANT: [
        "asistente administrativo medico",
        "asistente administrativa medica",
        "asistente administrativo a medico a",
        "secretaria medica",
        "secretario medico",
        "recepcionista medica",
        "recepcionista medico",
    ],
    BILLING: [
        "facturacion y codificacion medica",
        "facturacion medica",
        "codificacion medica",
        "codificador medico",
        "codificadora medica",
        "facturador medico",
        "facturadora medica",
    ],
    PHLEBOTOMY: [
        "flebotomista",
        "flebotomia",
        "tecnico en flebotomia",
        "tecnica en flebotomia",
        "tecnico de flebotomia",
        "tecnica de flebotomia",
    ],
    PHARMACY: [
        "tecnico de farmacia",
        "tecnica de farmacia",
        "tecnico a de farmacia",
        "tecnico en farmacia",
        "tecnica en farmacia",
        "auxiliar de farmacia",
    ],
    EKG: [
        "tecnico de electrocardiografia",
        "tecnica de electrocardiografia",
        "tecnico a de electrocardiografia",
        "tecnico de electrocardiograma",
        "tecnico en electrocardiograma",
        "electrocardiografia",
        "electrocardiograma",
    ],
    SURGICAL: [
        "tecnico quirurgico",
        "tecnica quirurgica",
        "tecnico a quirurgico a",
        "tecnologo quirurgico",
        "tecnologa quirurgica",
        "instrumentista quirurgico",
        "instrumentista quirurgica",
        "instrumentador quirurgico",
        "instrumentadora quirurgica",
        "instrumentista",
    ],
    LPN: [
        "enfermera practica con licencia",
        "enfermero practico con licencia",
        "enfermero a practico a con licencia",
        "enfermera practica",
        "enfermero practico",
        "enfermera vocacional",
        "enfermero vocacional",
        "enfermera con licencia",
        "enfermero con licencia",
        "enfermeria practica",
    ],
}


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for expansion, terms in SPANISH_SYNONYMS.items():
        for term in terms:
            Synonym.objects.get_or_create(
                term=term, defaults={"expansion": expansion, "note": "Spanish"}
            )


def unseed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    terms = [term for terms in SPANISH_SYNONYMS.values() for term in terms]
    Synonym.objects.filter(term__in=terms, note="Spanish").delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_trigram_operator_cost")]

    operations = [migrations.RunPython(seed, unseed)]
