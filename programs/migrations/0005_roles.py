"""The Editor and Reviewer groups and their permissions. Neither can manage users or groups."""

from django.db import migrations

EDITOR = {
    "careers": {
        "career": ["add", "change", "view"],
        "guidesection": ["add", "change", "delete", "view"],
        "certification": ["add", "change", "view"],
        "organization": ["add", "change", "view"],
    },
    "programs": {
        "school": ["add", "change", "view"],
        "program": ["add", "change", "view"],
        "correction": ["change", "view"],
    },
}
REVIEWER = {"programs": {"correction": ["change", "view"]}}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():  # permissions don't exist until post_migrate
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in [("Editor", EDITOR), ("Reviewer", REVIEWER)]:
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [
            (app, f"{action}_{model}")
            for app, models in grants.items()
            for model, actions in models.items()
            for action in actions
        ]
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in codenames
            ]
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Reviewer"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0004_editor_workflow"),
        ("careers", "0003_editor_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
