"""Every public page type is valid HTML: the Nu Html Checker (vnu.jar) over the pages as served.

The pages are fetched with the test client, saved, and checked in one run of vnu (starting the
JVM is the slow part). vnu.jar comes from npm (`make test` runs `npm ci`); Java from the system.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.utils.text import slugify

from careers.models import GuideSection
from programs.models import Program
from tests.factories import (
    CareerFactory,
    CertificationFactory,
    CertificationRouteFactory,
    GuideSectionFactory,
    MetroWageFactory,
    OrganizationFactory,
    ProgramFactory,
    ProjectionFactory,
    SchoolFactory,
    StateWageFactory,
    WageEstimateFactory,
    ZipCodeFactory,
)

pytestmark = pytest.mark.django_db

JAVA = shutil.which("java")
VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def site():
    career = CareerFactory()
    for order, key in enumerate(GuideSection.Key.values):
        GuideSectionFactory(career=career, key=key, order=order)
    CertificationFactory().careers.add(career)
    OrganizationFactory().careers.add(career)
    WageEstimateFactory()
    StateWageFactory(area_code="0600000", area_name="California", state_fips="06", states="CA")
    StateWageFactory()
    MetroWageFactory()
    ProjectionFactory()
    ZipCodeFactory()
    school = SchoolFactory(
        name="Sacramento Health College", state="CA", website="https://www.sachealth.edu/"
    )
    ProgramFactory(school=school)
    ProgramFactory(
        school=school, credential_level="associate", tuition_and_fees=None, cost_gap="not-reported"
    )
    for n in range(22):  # more than one page of results
        ProgramFactory(school=SchoolFactory(name=f"Valley College {n:02}", state="CA"))
    # Routes (saving one links the programs): one needs an accredited program, verified for one.
    for basis, accreditors in [("training", ["caahep", "abhes"]), ("experience", [])]:
        CertificationRouteFactory(basis=basis, accreditors=accreditors)
    school.programs.filter(credential_level="associate").update(
        accreditor="caahep", accreditation_verified_on="2026-10-01"
    )
    return school


class Pages(dict):
    """Page name -> the HTML served, each checked for the status a visitor would get."""

    def add(self, name, response, status=200):
        assert response.status_code == status, f"{name}: {response.status_code}"
        assert response["Content-Type"].startswith("text/html"), name
        self[name] = response.content
        return response


def fetch_pages(site) -> Pages:
    pages = Pages()
    client = Client()
    program, unreported = site.programs.order_by("pk")[:2]
    ids = ",".join(
        str(pk) for pk in Program.objects.order_by("pk").values_list("pk", flat=True)[:3]
    )

    def get(name, url, status=200):
        return pages.add(name, client.get(url), status)

    get("home", "/")
    get("career guide", "/careers/medical-assistant/")
    get("career guide with pay near a ZIP", "/careers/medical-assistant/?zip=60601")
    get("career guide with an unknown ZIP", "/careers/medical-assistant/?zip=99999")
    get("career in a state", "/careers/medical-assistant/ca/")
    get("certification list", "/certifications/")
    get("certification detail", "/certifications/cma-aama/")
    get("associations", "/associations/")
    get("privacy", "/privacy/")
    get("program list", "/programs/")
    get("program list, page 2", "/programs/?page=2")
    get(
        "program list with chips",
        "/programs/?career=medical-assistant&state=ca&credential=associate",
    )
    get("program list with chips and a sort", "/programs/?state=ca&federal_aid=1&sort=cost")
    get("program list near a ZIP", "/programs/?zip=60601&radius=100&sort=distance")
    get("program list with an invalid filter", "/programs/?zip=123&cost_max=lots")
    get("program list with zero results", "/programs/?state=wy")
    get(
        "program list with unknowns let in, sorted with a divider",
        "/programs/?cost_max=5000&cost_unknown=1&tuition_max=20000&sort=cost",
    )
    get("about the data", "/programs/about-the-data/")
    get("program detail", program.get_absolute_url())
    get("program detail without a reported cost", unreported.get_absolute_url())
    get("school detail", site.get_absolute_url())
    get("compare with programs", f"/compare/?programs={ids}&zip=60601")
    get("compare with bad and too many ids", f"/compare/?programs={ids},{ids},abc,-3&zip=123")
    get("empty compare", "/compare/")
    get("empty shortlist", "/shortlist/")
    get("search with results", "/search/?q=medical")
    get("search without results", "/search/?q=zzzqqq")
    get("search with no query", "/search/")
    get("for schools", "/for-schools/")
    get("corrections form", "/corrections/?page=/")
    pages.add(
        "corrections form showing errors",
        client.post("/corrections/?page=/", {"page_url": "/", "contact_email": "not-an-email"}),
    )
    get("correction thanks", "/corrections/thanks/?page=/")
    get("not found", "/no-such-page/", status=404)

    # The visitor's selections, and the messages that confirm them.
    for kind in ["shortlist", "compare"]:
        for saved in [program, unreported]:
            added = client.post(
                f"/{kind}/update/", {"program": saved.pk, "next": "/programs/"}, follow=True
            )
    pages.add("program list with a message", added)
    get("shortlist with programs", "/shortlist/")
    pages.add("compare from the session", client.get("/compare/", follow=True))
    get("program detail, compared and saved", program.get_absolute_url())

    # A school's representative: request a link, open it, sign in, propose updates.
    request_url = f"/schools/{site.unitid}/{site.slug}/represent/"
    get("representative request", request_url)
    pages.add("representative request showing errors", client.post(request_url, {"email": "nope"}))
    pages.add(
        "representative link sent", client.post(request_url, {"email": "registrar@sachealth.edu"})
    )
    assert mail.outbox, "no sign-in link was emailed to registrar@sachealth.edu"
    link = re.search(r"http://testserver(/schools/represent/\S+/)", mail.outbox[-1].body)[1]
    get("representative link opened", link)
    pages.add("representative home", client.post(link, follow=True))
    home = f"/school-updates/{site.unitid}/"
    get("representative program update", f"{home}programs/{program.pk}/")
    get("representative new program", f"{home}new-program/")
    pages.add("representative new program showing errors", client.post(f"{home}new-program/", {}))
    get("representative link already used", link, status=400)
    pages.add("for schools after signing out", client.post(f"{home}sign-out/", follow=True))
    get("representative pages when signed out", home, status=403)

    # Error pages in the site's layout.
    csrf = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x"})
    pages.add("admin form sent without its CSRF token", csrf, status=403)
    forged = Client().post(
        "/corrections/", {"field": "x"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    pages.add("form sent from another site", forged, status=403)
    with override_settings(CORRECTIONS_RATE_LIMIT="1/h"):
        note = {"page_url": "/", "field": "Tuition", "proposed_value": "$14,500"}
        limited = Client()
        limited.post("/corrections/", note)
        pages.add("corrections form when rate limited", limited.post("/corrections/", note), 429)
    with override_settings(ROOT_URLCONF="tests.error_urls"):
        pages.add("server error", Client(raise_request_exception=False).get("/boom/"), 500)
    return pages


def vnu_errors(files: dict[Path, str]) -> list[str]:
    """Runs vnu once over every file; one "page, line: message — extract" per error."""
    result = subprocess.run(
        [JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        messages = json.loads(result.stderr)["messages"]  # vnu reports on stderr
    except ValueError:
        pytest.fail(f"vnu gave no JSON report (exit {result.returncode}):\n{result.stderr}")
    page_of = {path.name: name for path, name in files.items()}
    errors = []
    for message in messages:
        if message["type"] == "info":
            continue
        file = Path(unquote(urlparse(message.get("url", "")).path)).name
        extract = " ".join(message.get("extract", "").split())
        errors.append(
            f"{page_of.get(file, file)}, line {message.get('lastLine', '?')}: "
            f"{message['message']}{f' — {extract}' if extract else ''}"
        )
    assert errors or result.returncode == 0, result.stderr
    return errors


@pytest.mark.skipif(
    JAVA is None, reason="no `java` on PATH to run vnu.jar (apt-get install default-jre-headless)"
)
@pytest.mark.skipif(not VNU.exists(), reason=f"{VNU} missing: run `npm ci` (make test does)")
def test_every_public_page_type_is_valid_html(site, tmp_path):
    pages = fetch_pages(site)
    files = {}
    for n, (name, html) in enumerate(pages.items()):
        path = tmp_path / f"{n:02}-{slugify(name)}.html"
        path.write_bytes(html)
        files[path] = name
    errors = vnu_errors(files)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
