"""Whether this instance can serve (`/readyz`): the database answers, its schema is at the newest revision,
and what `hub load-catalogue` loads is there — an empty catalogue would refuse every submission."""

from sqlalchemy import exists, select

from hub import migrate
from hub.catalogue.models import CatalogueItem
from hub.db import Database
from hub.materials.models import MaterialRequirement
from hub.notifications.models import SmsTemplate
from hub.reference.models import District, Organisation, ServiceProvider
from hub.timelimits.models import TimeLimitRule

LOADED_BY_LOAD_CATALOGUE = (Organisation, ServiceProvider, District, MaterialRequirement, CatalogueItem, TimeLimitRule,
                            SmsTemplate)


async def unready_reason(db: Database) -> str | None:
    """Why the instance is not ready, or None when it is."""
    try:
        current = await migrate.current_revision(db.url)
        head = migrate.head_revision(db.url)
        if current != head:
            return f"migrations at {current}, head is {head}: run `hub migrate`"
        async with db.read() as session:
            empty = [m.__tablename__ for m in LOADED_BY_LOAD_CATALOGUE if not await session.scalar(select(exists(select(m))))]
    except Exception as exc:  # noqa: BLE001  (any failure means not ready; the reason names only its kind)
        return f"database: {type(exc).__name__}"
    if empty:
        return f"reference data not loaded ({', '.join(empty)} empty): run `hub load-catalogue`"
    return None
