"""Loads the default sharing catalogue and grants (schema/catalogue/sharing.yaml, grants.yaml).

The database is the truth at run time: loading adds items and default grants
that are missing and never overwrites what governance has changed. A default
grant that governance revoked stays revoked (it is recognised by its key).
"""

import hashlib
import uuid
from datetime import datetime
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.catalogue.models import CatalogueItem, GovernanceChange, SharingGrant
from hub.policy import freshness
from hub.reference.loader import CATALOGUE_DIR

ITEM_ATTRIBUTES = ("sensitivity", "share_type", "update_cycle", "open_type", "mask")
LOADER = "system:load-catalogue"


def read_items(directory: Path = CATALOGUE_DIR) -> list[dict]:
    """Every item of sharing.yaml with the type's defaults applied."""
    doc = yaml.safe_load((directory / "sharing.yaml").read_text(encoding="utf-8"))
    items = []
    for block in doc["types"]:
        for field, attrs in block["fields"].items():
            item = {**block.get("defaults", {}), **attrs}
            items.append({
                "code": f"{block['type']}.{field}", "type_name": block["type"], "field_name": field,
                "name": item["name"], "description": item.get("description", ""), "provider": block["provider"],
                **{k: item[k] for k in ITEM_ATTRIBUTES},
            })
    return items


def read_grants(directory: Path = CATALOGUE_DIR, item_codes: set[str] | None = None) -> list[dict]:
    """grants.yaml expanded to one row per item (`Type.*` means every item of the type)."""
    codes = item_codes if item_codes is not None else {i["code"] for i in read_items(directory)}
    doc = yaml.safe_load((directory / "grants.yaml").read_text(encoding="utf-8"))
    rows = []
    for grant in doc["grants"]:
        grantee = grant["grantee"]
        for pattern in grant["items"]:
            matched = sorted(c for c in codes if c.startswith(pattern[:-1])) if pattern.endswith(".*") else [pattern]
            for code in matched:
                if code not in codes:
                    raise ValueError(f"grants.yaml names {code}, which sharing.yaml does not catalogue")
                rows.append({"item_code": code, "grantee_role": grantee.get("role"),
                             "grantee_organisation": grantee.get("organisation"), "access": grant["access"],
                             "purpose": grant["purpose"]})
    return rows


def default_key(row: dict) -> str:
    grantee = row["grantee_role"] or row["grantee_organisation"]
    digest = hashlib.sha1(row["purpose"].encode()).hexdigest()[:10]
    return f"{grantee}|{row['access']}|{row['item_code']}|{digest}"


async def load_sharing_catalogue(session: AsyncSession, now: datetime, directory: Path = CATALOGUE_DIR) -> tuple[int, int]:
    """(items added, grants added). Records one governance change when anything was added."""
    items = read_items(directory)
    known = set((await session.scalars(select(CatalogueItem.code))).all())
    new_items = [CatalogueItem(**i, version=1, updated_at=now, updated_by=LOADER) for i in items if i["code"] not in known]
    session.add_all(new_items)
    await session.flush()
    keys = set((await session.scalars(select(SharingGrant.default_key).where(SharingGrant.default_key.is_not(None)))).all())
    new_grants = []
    for row in read_grants(directory, {i["code"] for i in items}):
        key = default_key(row)
        if key not in keys:
            keys.add(key)
            new_grants.append(SharingGrant(id=uuid.uuid4(), **row, origin="DEFAULT", default_key=key,
                                           created_at=now, created_by=LOADER))
    session.add_all(new_grants)
    if new_items or new_grants:
        session.add(GovernanceChange(at=now, actor_subject=LOADER, actor_organisation=None, entity="CATALOGUE",
                                     entity_id="defaults", action="LOAD",
                                     before=None, after={"items": len(new_items), "grants": len(new_grants)}))
        freshness.announce(session)
    await session.flush()
    return len(new_items), len(new_grants)
