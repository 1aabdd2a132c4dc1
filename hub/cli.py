"""The `hub` command: serve, migrate, load-catalogue, token, keygen, audit verify, calendar import, export-schema."""

import argparse
import asyncio
import sys
from pathlib import Path

from hub.config import get_settings
from hub.enums import Role

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema" / "hub.graphql"


def serve(args: argparse.Namespace) -> None:
    import uvicorn

    from hub.observability import logs

    settings = get_settings()
    logs.configure(settings.log_level)
    # No permessage-deflate: events are small, and each compressed socket holds ~50 KiB of zlib state.
    uvicorn.run("hub.app:create_app", factory=True, host=args.host or settings.host,
                port=args.port or settings.port, log_level=settings.log_level.lower(), log_config=None,
                ws_per_message_deflate=False, ws_max_size=settings.max_body_bytes)


def run_migrations(args: argparse.Namespace) -> None:
    from hub import migrate

    url = get_settings().database_url
    if args.revision.startswith("-"):
        migrate.downgrade(url, args.revision)
    else:
        migrate.upgrade(url, args.revision)
    print(f"database at {args.revision}")


def load_catalogue(_: argparse.Namespace) -> None:
    from hub.catalogue.loader import load_sharing_catalogue
    from hub.clock import utcnow
    from hub.timelimits.loader import load_time_limits
    from hub.db import Database
    from hub.reference.loader import load_reference_data

    async def run() -> None:
        db = Database(get_settings().database_url)
        async with db.write() as session:
            report = await load_reference_data(session)
            items, grants = await load_sharing_catalogue(session, utcnow())
            years, rules = await load_time_limits(session, utcnow())
        await db.dispose()
        print(f"loaded {report}; sharing catalogue: {items} new items, {grants} new default grants; "
              f"calendar years added: {years or 'none'}; time-limit rules added: {rules}")

    asyncio.run(run())


def token(args: argparse.Namespace) -> None:
    from hub.auth import keys
    from hub.auth.tokens import TokenService

    settings = get_settings()
    key, _ = keys.load_or_generate(settings.key_file, may_generate=settings.is_embedded)
    service = TokenService(key=key, issuer=settings.issuer, audience=settings.audience)
    subject = args.subject or f"{args.role.lower()}@{args.org or 'hub'}"
    print(service.issue(subject=subject, organisation=args.org, roles=[Role(args.role)],
                        ttl_seconds=args.ttl or settings.token_ttl_seconds))


def audit_verify(_: argparse.Namespace) -> None:
    from hub.audit.service import verify
    from hub.db import Database

    async def run() -> int:
        db = Database(get_settings().database_url)
        async with db.read() as session:
            report = await verify(session)
        await db.dispose()
        if report.intact:
            print(f"audit chain intact: {report.records} records")
            return 0
        print(f"audit chain BROKEN at record {report.first_bad_id}: {report.problem} "
              f"({report.records} records before it verified)")
        return 1

    sys.exit(asyncio.run(run()))


def calendar_import(args: argparse.Namespace) -> None:
    """A year's official arrangement from a YAML or JSON file: {year, holidays: [...], workdays: [...], source}."""
    import yaml

    from hub.auth.principal import Principal
    from hub.calendar import service as calendar_service
    from hub.clock import utcnow
    from hub.db import Database
    from hub.enums import Role
    from hub.errors import InvalidInput

    doc = yaml.safe_load(args.file.read_text(encoding="utf-8"))
    operator = Principal(subject=f"cli:{args.file.name}", organisation=None, roles=frozenset({Role.GOVERNANCE}))

    async def run() -> int:
        db = Database(get_settings().database_url)
        try:
            async with db.write() as session:
                count = await calendar_service.import_year(
                    session, principal=operator, year=int(doc["year"]), holidays=list(doc.get("holidays") or []),
                    workdays=list(doc.get("workdays") or []), source=doc.get("source", str(args.file.name)), now=utcnow())
        except InvalidInput as error:
            print(f"refused: {error.message}", file=sys.stderr)
            return 2
        finally:
            await db.dispose()
        print(f"loaded {doc['year']}; {count} provisional deadlines recomputed")
        return 0

    sys.exit(asyncio.run(run()))


def keygen(args: argparse.Namespace) -> None:
    from hub.auth import keys

    if args.out.exists():
        sys.exit(f"{args.out} exists; refusing to overwrite a signing key")
    key = keys.generate(args.out)
    print(f"wrote private signing key {args.out} (kid {key.kid}); point HUB_SIGNING_KEY_FILE at it")


def export_schema(args: argparse.Namespace) -> None:
    from hub.graphql.schema import schema

    text = schema.as_str() + "\n"
    if args.check:
        if not SCHEMA_FILE.exists() or SCHEMA_FILE.read_text() != text:
            sys.exit(f"{SCHEMA_FILE} is out of date: run `hub export-schema`")
        print("schema/hub.graphql is up to date")
        return
    SCHEMA_FILE.write_text(text)
    print(f"wrote {SCHEMA_FILE}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="hub", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("serve", help="serve the API (embedded default: migrates and loads reference data)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(run=serve)
    p = commands.add_parser("migrate", help="apply alembic revisions (default: head)")
    p.add_argument("revision", nargs="?", default="head", help="target revision, or -1 etc. to go down")
    p.set_defaults(run=run_migrations)
    commands.add_parser("load-catalogue", help="load schema/catalogue/*.yaml into the database (adds what is missing, never overwrites governance changes)").set_defaults(run=load_catalogue)
    p = commands.add_parser("token", help="print a token signed with the hub's key (for development)")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--org", help="organisation code, e.g. KF-WATER")
    p.add_argument("--subject")
    p.add_argument("--ttl", type=int, help="lifetime in seconds")
    p.set_defaults(run=token)
    audit = commands.add_parser("audit", help="the audit log").add_subparsers(dest="audit_command", required=True)
    audit.add_parser("verify", help="check the hash chain; exit 1 at the first changed, removed or re-ordered record") \
        .set_defaults(run=audit_verify)
    calendar = commands.add_parser("calendar", help="the holiday table").add_subparsers(dest="calendar_command", required=True)
    p = calendar.add_parser("import", help="load a year's official arrangement (YAML/JSON: year, holidays, workdays, source)")
    p.add_argument("file", type=Path)
    p.set_defaults(run=calendar_import)
    p = commands.add_parser("keygen", help="create a new ES256 signing key file (production set-up)")
    p.add_argument("out", type=Path)
    p.set_defaults(run=keygen)
    p = commands.add_parser("export-schema", help="write schema/hub.graphql from the code")
    p.add_argument("--check", action="store_true", help="fail if the file differs from the code")
    p.set_defaults(run=export_schema)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
