"""The staff roles (groups) and what they may do, for data migrations.

A migration that adds a model editors keep grants the Editor group its permissions with
`grant(apps, "Editor", "search", "synonym", ["add", "change", "delete", "view"])`. Permissions
are made by post_migrate, after every migration has run, so they are created here first from
the migration's historical models.
"""


def grant(apps, group_name, app_label, model_name, actions):
    """Give the group (made if missing) the `actions` permissions on app_label.model_name."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=group_name)
    group.permissions.add(
        *apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label=app_label,
            codename__in=[f"{action}_{model_name}" for action in actions],
        )
    )
