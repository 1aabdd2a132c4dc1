"""What the app and the window show before the applicant signs: the commitment texts in force and the
personal-information notice."""

from functools import lru_cache

import strawberry
from graphql import GraphQLObjectType, GraphQLSchema, get_named_type
from strawberry.types import Info

from hub.clock import local_day
from hub.commitments import notice as domain_notice
from hub.commitments.loader import notice_wording
from hub.commitments.rules import current_texts
from hub.graphql.field_policy import item_code
from hub.graphql.types.commitments import CommitmentText, PrivacyNotice
from hub.reference import snapshot as reference_snapshot


@lru_cache(maxsize=4)
def value_items(schema: GraphQLSchema) -> frozenset[str]:
    """Catalogue items whose field is a value; an object or a list of objects only gates the items inside it."""
    codes = set()
    for type_name, gql_type in schema.type_map.items():
        if isinstance(gql_type, GraphQLObjectType):
            for field_name, fld in gql_type.fields.items():
                code = item_code(type_name, field_name)
                if code and not isinstance(get_named_type(fld.type), GraphQLObjectType):
                    codes.add(code)
    return frozenset(codes)


async def current_notice(info: Info) -> domain_notice.PrivacyNotice:
    ctx = info.context
    async with ctx.db.read() as session:  # the reference data held in memory (hub.reference.snapshot): no query
        held = await reference_snapshot.current(session)
    services: dict[str, list[str]] = {}
    for service, code in held.providers.items():
        services.setdefault(code, []).append(service)
    organisations = [domain_notice.Organisation(code=code, name=held.organisation_names[code], kind=kind,
                                                services=tuple(sorted(services.get(code, []))))
                     for code, kind in held.organisation_kinds.items()]
    # Built once per policy (every submission names its hash): kept on the snapshot, which a policy change
    # replaces, until the next moment a grant starts or ends.
    key, now = ("privacy-notice", tuple(organisations)), ctx.started_at
    kept = ctx.snapshot.derived.get(key)
    if kept is None or (kept[1] is not None and now >= kept[1]):
        wording = notice_wording()
        notice = domain_notice.build(ctx.snapshot, organisations, preamble=wording.preamble,
                                     role_recipients=wording.role_recipients,
                                     value_items=value_items(info.schema._schema), now=now)
        boundaries = [t for g in ctx.snapshot.grants for t in (g.valid_from, g.valid_until) if t is not None and t > now]
        kept = ctx.snapshot.derived[key] = (notice, min(boundaries, default=None))
    return kept[0]


@strawberry.type
class CommitmentQuery:
    @strawberry.field(description="申请人签章: the commitment text in force for each form (个人报装, 企业报装, 一次过户). "
                                  "Show the one of the applicant's form and name its version when submitting.")
    async def commitment_texts(self, info: Info) -> list[CommitmentText]:
        texts = await info.context.loaders.reference.commitment_texts()
        current = current_texts(texts, local_day(info.context.now()))
        return [CommitmentText.from_text(current[form]) for form in sorted(current)]

    @strawberry.field(description="个人信息处理告知 (个人信息保护法 Art. 23): which organisations receive which personal "
                                  "data of an application, for what purpose, as the sharing catalogue grants it now. "
                                  "Show it with the commitment and name its sha256 when submitting.")
    async def privacy_notice(self, info: Info) -> PrivacyNotice | None:
        return PrivacyNotice.from_notice(await current_notice(info))
