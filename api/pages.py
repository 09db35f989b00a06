"""/developers/ (what the open data is, its licences and how to cite it) and /downloads/<name>
(the bulk files that `manage.py build_downloads` writes, api/downloads.py).

A file is served only when its name is one the build writes and the manifest lists, so nothing
else in DOWNLOADS_ROOT (and nothing outside it) can be asked for. Its ETag is its SHA-256 from
the manifest and its Last-Modified the build's time: a client or cache revalidates with a 304.
In production nginx serves the folder itself (docs/deploy.md); this view serves it in
development and behind any server that doesn't.
"""

import datetime

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from core.pagecache import cache_public_page, etag_of
from core.pages import PageMixin, crumb, trail

from .downloads import (
    CC_BY_URL,
    DATASETS,
    DOWNLOADS_TAG,
    FILE_NAMES,
    MANIFEST,
    SOURCES,
    content_type,
    manifest_entry,
    read_manifest,
)

# Revalidate after five minutes: a rebuild changes a file and the manifest together.
DOWNLOAD_CACHE_CONTROL = "public, max-age=300"
SCHEMA_PATH = "/api/v1/schema/"
ONET_ATTRIBUTION = (
    "This section includes information from the O*NET 29.3 Database by the U.S. Department of "
    "Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 "
    "license. O*NET® is a trademark of USDOL/ETA. We modified it: we chose which items to show "
    "and their order; the wording is O*NET's."
)
GEONAMES_ATTRIBUTION = "ZIP locations: U.S. Census Bureau and © GeoNames (geonames.org), CC BY 4.0."
BLS_NOTE = (
    "BLS.gov cannot vouch for the data or analyses derived from these data after the data have "
    "been retrieved from BLS.gov."
)


def downloads_tags(url_kwargs):
    """`cache_public_page(tags=...)`: the page shows the manifest, which each build moves."""
    return (DOWNLOADS_TAG,)


def built_time(manifest) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(manifest["built_at"].replace("Z", "+00:00"))
    except (KeyError, TypeError, AttributeError, ValueError):
        return None


class DevelopersView(PageMixin, TemplateView):
    """The API and the bulk files in brief, each source's licence and a suggested citation. In
    English only, as the API is; no script and no interactive console."""

    template_name = "api/developers.html"
    page_title = "Developers: the directory's open data"
    page_description = (
        "A read-only JSON API and bulk CSV and JSON Lines files of every program, school and "
        "career in the directory, with their sources, licences and how to cite them."
    )

    def get_breadcrumbs(self):
        return trail(crumb("Developers", reverse("api:developers")))

    def get_context_data(self, **kwargs):
        manifest = read_manifest()
        built = built_time(manifest) if manifest else None
        files = {}
        for entry in (manifest or {}).get("files", []):
            if isinstance(entry, dict) and entry.get("name") in FILE_NAMES:
                files[entry["name"]] = {
                    **entry,
                    "url": reverse("api:download", kwargs={"name": entry["name"]}),
                }
        datasets = [
            {
                "name": dataset.name,
                "description": dataset.description,
                "columns": dataset.columns,
                "files": [files[name] for name in self.file_names(dataset) if name in files],
            }
            for dataset in DATASETS
        ]
        page_url = self.request.build_absolute_uri(reverse("api:developers"))
        return super().get_context_data(
            built=built,
            has_build=bool(files),
            datasets=datasets,
            manifest_url=reverse("api:download", kwargs={"name": MANIFEST}),
            schema_url=SCHEMA_PATH,
            sources=SOURCES,
            cc_by_url=CC_BY_URL,
            onet_attribution=ONET_ATTRIBUTION,
            geonames_attribution=GEONAMES_ATTRIBUTION,
            bls_note=BLS_NOTE,
            citation=citation(page_url, built),
            **kwargs,
        )

    @staticmethod
    def file_names(dataset):
        return [f"{dataset.name}.csv", f"{dataset.name}.jsonl"]


def citation(page_url: str, built: datetime.datetime | None) -> str:
    when = f", files built {built:%Y-%m-%d}" if built else ""
    return (
        f"Allied Health Training Directory. Open data: allied-health training programs, schools "
        f"and careers{when}. {page_url}. Data from the U.S. Department of Education, NCES, IPEDS "
        "2023-24; the U.S. Bureau of Labor Statistics, OEWS May 2025 and Employment Projections "
        "2024–34; and the O*NET 29.3 Database by USDOL/ETA (CC BY 4.0)."
    )


@require_safe
def download(request, name):
    """One bulk file (or the manifest) as the last build wrote it; 404 for any other name."""
    if name != MANIFEST and name not in FILE_NAMES:
        raise Http404("No such file.")
    manifest = read_manifest()
    if manifest is None:
        raise Http404("No bulk files have been built yet.")
    built = built_time(manifest)
    last_modified = built.timestamp() if built else None
    path = settings.DOWNLOADS_ROOT / name
    if name == MANIFEST:
        try:
            content = path.read_bytes()
        except OSError:
            raise Http404("No bulk files have been built yet.") from None
        etag = etag_of(content)
    else:
        entry = manifest_entry(manifest, name)
        if entry is None or not isinstance(entry.get("sha256"), str):
            raise Http404("No such file.")
        etag = f'"{entry["sha256"]}"'
    unchanged = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if unchanged is not None:
        return with_headers(unchanged, etag, last_modified)
    if name == MANIFEST:
        response = HttpResponse(content, content_type=content_type(name))
    else:
        try:
            file = path.open("rb")
        except OSError:
            raise Http404("No such file.") from None
        response = FileResponse(
            file, content_type=content_type(name), as_attachment=True, filename=name
        )
    return with_headers(response, etag, last_modified)


def with_headers(response, etag, last_modified):
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = DOWNLOAD_CACHE_CONTROL
    return response


# What api/urls.py routes to /developers/: in the page cache until the next build.
developers_page = cache_public_page(tags=downloads_tags)(DevelopersView.as_view())
