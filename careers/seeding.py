"""Loading the editorial content shipped in fixtures/: careers, guides, credentials.

Content an editor has changed since is kept unless `overwrite` is set; Spanish the database
lacks (an `_es` field still empty) is filled in from the files either way.
"""

import json
import re
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from core.datafiles import DataFileError, after_bulk_load

from .models import (
    Career,
    Certification,
    CertificationRoute,
    GuideSection,
    Organization,
    PublishStatus,
)

SECTION_MARKER = re.compile(r"^<!-- section: (\w+) \| (.+?) -->$", re.MULTILINE)


def parse_guide(path: Path) -> list[tuple[str, str, str]]:
    """(key, heading, markdown body) for each section of a guide file, in file order."""
    text = path.read_text(encoding="utf-8")
    parts = SECTION_MARKER.split(text)
    sections = [
        (key, heading.strip(), body.strip())
        for key, heading, body in zip(parts[1::3], parts[2::3], parts[3::3], strict=True)
    ]
    keys = [key for key, _, _ in sections]
    if keys != GuideSection.Key.values:
        line = text[: text.find("<!--")].count("\n") + 1 if "<!--" in text else 1
        raise DataFileError(
            path, line, f"sections must be, in order: {', '.join(GuideSection.Key.values)}"
        )
    if empty := [key for key, _, body in sections if not body]:
        raise DataFileError(path, 0, f"empty section(s): {', '.join(empty)}")
    return sections


def _load_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataFileError(path, getattr(exc, "lineno", 0), str(exc)) from exc


def _is_spanish(field: str) -> bool:
    return field.endswith("_es")


def _put(model, lookup: dict, values: dict, overwrite: bool):
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if created:
        return obj, True
    if overwrite:
        changed = values
    else:
        changed = {f: v for f, v in values.items() if _is_spanish(f) and v and not getattr(obj, f)}
    if changed:
        for field, value in changed.items():
            setattr(obj, field, value)
        obj.full_clean()
        obj.save()
    return obj, overwrite


def _spanish(data: dict, *fields: str) -> dict:
    """The `<field>_es` values a fixture gives, for the model fields of the same names."""
    return {f"{field}_es": data.get(f"{field}_es", "") for field in fields}


def _reviewed_es(data: dict):
    return date.fromisoformat(data["last_reviewed_es"]) if data.get("last_reviewed_es") else None


def content_seed(*, content_dir: Path, guides_dir: Path, overwrite: bool = False) -> list[str]:
    careers_data = _load_json(content_dir / "careers.json")["careers"]
    credentials = _load_json(content_dir / "credentials.json")
    guides = {c["slug"]: guides_dir / f"{c['slug']}.md" for c in careers_data}
    parsed = {slug: parse_guide(path) for slug, path in guides.items() if path.exists()}
    spanish_guides = {slug: guides_dir / "es" / f"{slug}.md" for slug in parsed}
    parsed_es = {slug: parse_guide(path) for slug, path in spanish_guides.items() if path.exists()}
    report = []
    with transaction.atomic():
        careers = {}
        for order, data in enumerate(careers_data):
            career, written = _put(
                Career,
                {"slug": data["slug"]},
                {
                    "title": data["title"],
                    "soc_code": data["soc_code"],
                    "cip_codes": data["cip_codes"],
                    "summary": data["summary"],
                    "order": order,
                    "last_reviewed": date.fromisoformat(data["last_reviewed"]),
                    "state_regulator": data.get("state_regulator", ""),
                    "pay_group_note": data.get("pay_group_note", ""),
                    **_spanish(data, "title", "summary", "state_regulator", "pay_group_note"),
                    "last_reviewed_es": _reviewed_es(data),
                    # A career is public only once its whole guide is written.
                    "status": PublishStatus.PUBLISHED
                    if data["slug"] in parsed
                    else PublishStatus.DRAFT,
                },
                overwrite,
            )
            careers[career.slug] = (career, written)
            spanish = {key: (h, b) for key, h, b in parsed_es.get(career.slug, [])}
            for position, (key, heading, body) in enumerate(parsed.get(career.slug, [])):
                heading_es, body_es = spanish.get(key, ("", ""))
                _put(
                    GuideSection,
                    {"career": career, "key": key},
                    {
                        "heading": heading,
                        "body": body,
                        "order": position,
                        # Our own copy, reviewed in the repository: published as it is.
                        "published_heading": heading,
                        "published_body": body,
                        "published_at": timezone.now(),
                        "heading_es": heading_es,
                        "body_es": body_es,
                        "published_heading_es": heading_es,
                        "published_body_es": body_es,
                        "reviewed_es": _reviewed_es(data) if body_es else None,
                    },
                    overwrite,
                )
        for data in careers_data:
            career, written = careers[data["slug"]]
            if written:
                career.leads_to.set([careers[slug][0] for slug in data.get("leads_to", [])])
        careers = {slug: career for slug, (career, _) in careers.items()}
        report.append(f"Careers: {len(careers)} ({len(parsed)} with a guide)")

        organizations = {}
        for data in credentials["organizations"]:
            slug = data["slug"]
            fields = {
                k: data[k] for k in ("name", "abbreviation", "kind", "website", "description")
            } | _spanish(data, "description")
            org, written = _put(Organization, {"slug": slug}, fields, overwrite)
            if written:
                org.careers.set([careers[s] for s in data.get("careers", [])])
            organizations[slug] = org
        report.append(f"Organizations: {len(organizations)}")

        for data in credentials["certifications"]:
            fields = {
                k: data[k]
                for k in (
                    "name",
                    "abbreviation",
                    "what_it_shows",
                    "eligibility_summary",
                    "renewal",
                    "website",
                )
            }
            fields |= _spanish(data, "what_it_shows", "eligibility_summary", "renewal")
            fields["organization"] = organizations[data["organization"]]
            cert, written = _put(Certification, {"slug": data["slug"]}, fields, overwrite)
            if written:
                cert.careers.set([careers[s] for s in data["careers"]])
            checked = date.fromisoformat(credentials["routes_last_checked"])
            for order, route in enumerate(data.get("routes", [])):
                _put(
                    CertificationRoute,
                    {"certification": cert, "order": order},
                    {
                        "basis": route["basis"],
                        "description": route["description"],
                        **_spanish(route, "description"),
                        "accreditors": route.get("accreditors", []),
                        "source_url": route.get("source_url", data["website"]),
                        "last_checked": checked,
                    },
                    overwrite,
                )
        report.append(f"Certifications: {len(credentials['certifications'])}")
    after_bulk_load()
    return report
