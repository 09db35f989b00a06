from django.apps import AppConfig


class FinderConfig(AppConfig):
    """The program finder: the filtered listing with its facet counts, its CSV download, and
    the compare list and shortlist a visitor keeps."""

    name = "finder"
    verbose_name = "Program finder"
