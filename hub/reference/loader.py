"""Loads the reference files in schema/catalogue/ into the database, idempotently.

Running it twice changes nothing; running it after editing a file updates the
changed rows. The database is what the hub reads at run time.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.commitments.loader import load_commitment_texts
from hub.materials.models import MaterialRequirement, MaterialType
from hub.migrate import PROJECT_ROOT
from hub.notifications import templates as sms_templates
from hub.reference import snapshot
from hub.reference.models import District, Organisation, ServiceProvider

CATALOGUE_DIR = PROJECT_ROOT / "schema" / "catalogue"


@dataclass
class LoadReport:
    organisations: int = 0
    districts: int = 0
    material_types: int = 0
    requirements: int = 0
    sms_templates: int = 0
    commitment_texts: int = 0


def _read(directory: Path, name: str) -> dict:
    return yaml.safe_load((directory / name).read_text(encoding="utf-8"))


async def load_reference_data(session: AsyncSession, directory: Path = CATALOGUE_DIR) -> LoadReport:
    report = LoadReport()
    for org in _read(directory, "organisations.yaml")["organisations"]:
        await session.merge(
            Organisation(
                code=org["code"], name=org["name"], short_name=org["short_name"],
                kind=org["kind"], description=org.get("description", ""),
            )
        )
        report.organisations += 1
        await session.flush()
        for service in org.get("services", []):
            await session.merge(ServiceProvider(service=service, organisation_code=org["code"]))
    for district in _read(directory, "districts.yaml")["districts"]:
        await session.merge(
            District(
                code=str(district["code"]), name=district["name"], kind=district["kind"],
                active=district["active"], note=district.get("note", ""),
            )
        )
        report.districts += 1
    materials = _read(directory, "materials.yaml")
    for material_type in materials["material_types"]:
        await session.merge(MaterialType(**{k: material_type[k] for k in ("code", "name", "category")}))
        report.material_types += 1
    await session.flush()
    await _load_requirements(session, materials["requirements"])
    report.requirements = len(materials["requirements"])
    report.sms_templates = await sms_templates.load(session, directory / "sms_templates.yaml")
    report.commitment_texts = await load_commitment_texts(session, directory / "commitments.yaml")
    snapshot.invalidate()
    return report


async def _load_requirements(session: AsyncSession, requirements: list[dict]) -> None:
    existing = {
        (r.case_type, r.service, r.applicant_kind): r
        for r in (await session.scalars(select(MaterialRequirement))).all()
    }
    for item in requirements:
        key = (item["case_type"], item["service"], item["applicant_kind"])
        row = existing.get(key) or MaterialRequirement(
            case_type=key[0], service=key[1], applicant_kind=key[2]
        )
        row.required_at_application = item.get("required_at_application", True)
        row.groups = [
            {"code": g["code"], "name": g["name"], "rule": g["rule"], "types": list(g["types"])}
            for g in item["groups"]
        ]
        row.notes = list(item.get("notes", []))
        row.conditions = list(item.get("conditions", []))
        session.add(row)
