"""Editors also review schools' updates and access requests."""

from django.db import migrations

EDITOR_EXTRA = {
    "schoolupdate": ["change", "view"],
    "schoolupdatefield": ["change", "view"],
    "accessrequest": ["change", "view"],
    "schoolrepresentative": ["change", "view"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor, _ = Group.objects.get_or_create(name="Editor")
    for model, actions in EDITOR_EXTRA.items():
        for action in actions:
            editor.permissions.add(
                Permission.objects.get(
                    content_type__app_label="programs", codename=f"{action}_{model}"
                )
            )


class Migration(migrations.Migration):
    dependencies = [("programs", "0006_school_representatives"), ("programs", "0005_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
