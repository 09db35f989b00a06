"""/developers/: the API and the bulk files in brief, each file's build date, size, rows and
checksum from the manifest (or plainly that there is no build yet), each source's licence with
the attribution the site already uses, and a suggested citation; English, no scripts."""

import re

import pytest
from django.urls import reverse

from api.management.commands import build_downloads

from .factories import ProgramFactory, SchoolFactory

pytestmark = pytest.mark.django_db

ONET_ATTRIBUTION = (
    "This section includes information from the O*NET 29.3 Database by the U.S. Department of "
    "Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 "
    "license. O*NET® is a trademark of USDOL/ETA."
)
GEONAMES_ATTRIBUTION = "U.S. Census Bureau and © GeoNames (geonames.org), CC BY 4.0"


@pytest.fixture
def root(settings, tmp_path):
    settings.DOWNLOADS_ROOT = tmp_path / "downloads"
    return settings.DOWNLOADS_ROOT


def page(client):
    response = client.get(reverse("api:developers"))
    assert response.status_code == 200
    return response, response.content.decode()


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_page_is_at_developers_in_english(client, root):
    assert reverse("api:developers") == "/developers/"
    _, html = page(client)
    assert '<html lang="en">' in html
    assert "<h1>Developers: the directory's open data</h1>" in html
    assert client.get("/es/developers/").status_code == 404


def test_without_a_build_it_says_so_plainly(client, root):
    _, html = page(client)
    assert "No bulk files have been built yet." in html
    assert "/downloads/programs.csv" not in html


def test_with_a_build_it_lists_each_file_with_date_size_rows_and_checksum(client, root):
    ProgramFactory(school=SchoolFactory(name="Lakeview College"))
    _, before = page(client)  # stored in the page cache
    manifest = build_downloads.build()
    _, html = page(client)  # the build made the stored page stale
    assert before != html
    assert "No bulk files have been built yet." not in html
    assert 'href="/downloads/manifest.json"' in html
    built = manifest["built_at"]
    assert f'datetime="{built.replace("Z", "+00:00")}"' in html
    for entry in manifest["files"]:
        assert f'href="/downloads/{entry["name"]}"' in html
        assert entry["sha256"] in html
    rows = re.findall(
        r"<tr>\s*<th scope=\"row\"><a href=\"/downloads/([^\"]+)\"[^>]*>.*?</tr>", html, re.S
    )
    assert set(rows) == {entry["name"] for entry in manifest["files"]}
    programs_row = re.search(r"/downloads/programs\.csv.*?</tr>", html, re.S).group(0)
    assert "<td>1</td>" in programs_row  # one program
    assert "bytes" in programs_row or "KB" in programs_row  # its size


def test_it_explains_the_api_and_links_its_schema(client, root):
    _, html = page(client)
    assert 'href="/api/v1/schema/"' in html
    for endpoint in ("/api/v1/careers/", "/api/v1/schools/", "/api/v1/programs/"):
        assert endpoint in html
    assert "docs/api.md" in html


def test_each_sources_licence_and_the_sites_own_attributions(client, root):
    _, html = page(client)
    text = text_of(html)
    assert ONET_ATTRIBUTION in text
    assert GEONAMES_ATTRIBUTION in text
    assert "BLS.gov cannot vouch for the data or analyses derived from these data" in text
    sources = re.search(r"<caption id=\"sources-caption\">.*?</table>", html, re.S).group(0)
    licences = {
        text_of(cells[0]): text_of(cells[-1])
        for cells in (
            re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", sources, re.S)[1:]
        )
    }
    by_name = {
        name.split(" U.S.")[0].split(" GeoNames (")[0]: lic for name, lic in licences.items()
    }
    assert any(
        name.startswith("IPEDS") and lic.startswith("Public domain")
        for name, lic in by_name.items()
    )
    assert any(
        name.startswith("BLS") and lic.startswith("Public domain") for name, lic in by_name.items()
    )
    assert any(name.startswith("O*NET") and lic == "CC BY 4.0" for name, lic in by_name.items())
    assert any(name.startswith("GeoNames") and lic == "CC BY 4.0" for name, lic in by_name.items())
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html


def test_it_suggests_a_citation_with_the_build_date(client, root):
    _, html = page(client)
    assert "How to cite the data" in html
    citation = text_of(
        re.search(r"<blockquote class=\"citation\">(.*?)</blockquote>", html, re.S).group(1)
    )
    assert citation.startswith("Allied Health Training Directory. Open data")
    assert "http://testserver/developers/" in citation
    assert "IPEDS 2023-24" in citation and "O*NET 29.3" in citation
    manifest = build_downloads.build()
    _, html = page(client)
    assert f"files built {manifest['built_at'][:10]}" in html


def test_no_scripts_and_accessible_structure(client, root):
    build_downloads.build()
    _, html = page(client)
    assert "<script" not in html.split("</footer>")[0].split("<main")[1]
    assert not re.search(r"<script[^>]+src=\"https?://", html)
    assert html.count("<h1") == 1
    assert html.count("<table") == html.count("<caption") >= 5
    for region in re.findall(r"<div class=\"table-scroll\"[^>]*>", html):
        assert 'role="region"' in region and "aria-labelledby" in region


def test_the_page_is_public_and_revalidates(client, root):
    response, _ = page(client)
    assert response["Cache-Control"].startswith("public")
    again = client.get("/developers/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
