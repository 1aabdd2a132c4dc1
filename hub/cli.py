"""The `hub` command: serve, migrate, load-catalogue, token, keygen, audit verify/checkpoint, calendar import,
documents load/list, export-schema."""

import argparse
import asyncio
import os
import sys
from pathlib import Path

from hub.config import Settings, get_settings
from hub.enums import Role

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema" / "hub.graphql"


def serve(args: argparse.Namespace) -> None:
    import uvicorn

    from hub.observability import logs

    if args.host:  # the app judges from HUB_HOST what a bind exposes (demo tokens in GraphiQL: loopback only)
        os.environ["HUB_HOST"] = args.host
        get_settings.cache_clear()
    settings = get_settings()
    if args.workers > 1:
        _refuse_several_workers(settings)
    if not settings.is_embedded:
        _refuse_unprepared(settings)
    logs.configure(settings.log_level)
    # No permessage-deflate: events are small, and each compressed socket holds ~50 KiB of zlib state.
    # Workers are started by uvicorn from the import string, each building its app with the factory; a worker
    # that takes longer than the health-check timeout to import and start is killed, so allow a loaded host.
    uvicorn.run("hub.app:create_app", factory=True, host=args.host or settings.host,
                port=args.port or settings.port, log_level=settings.log_level.lower(), log_config=None,
                ws_per_message_deflate=False, ws_max_size=settings.max_body_bytes, workers=args.workers,
                timeout_worker_healthcheck=30)


def _refuse_several_workers(settings: Settings) -> None:
    """Several processes share the work only where the database coordinates them (row and advisory locks,
    LISTEN/NOTIFY) and nothing is set up at start-up."""
    from hub.db import is_sqlite

    if is_sqlite(settings.database_url):
        sys.exit("hub serve --workers > 1 needs PostgreSQL: SQLite takes writes from one process (serve one worker)")
    if settings.is_embedded:
        sys.exit("hub serve --workers > 1 needs HUB_ENVIRONMENT=production: the embedded default sets itself up "
                 "on start and moves its clock in one process")


def _refuse_unprepared(settings: Settings) -> None:
    """Production does no set-up of its own: say in one line what is missing instead of serving errors."""
    from hub import migrate

    if not settings.key_file.exists():
        sys.exit(f"no signing key at {settings.key_file}: create one with `hub keygen FILE` and set HUB_SIGNING_KEY_FILE")
    try:
        current = asyncio.run(migrate.current_revision(settings.database_url))
    except Exception as exc:  # noqa: BLE001  (unreachable, no such database, refused login: one line, no traceback)
        sys.exit(f"cannot use the database ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")
    head = migrate.head_revision(settings.database_url)
    if current != head:
        sys.exit(f"the database is at revision {current or 'none (empty)'}, this hub needs {head}: run `hub migrate`")


def run_migrations(args: argparse.Namespace) -> None:
    from hub import migrate

    url = get_settings().database_url
    before = asyncio.run(migrate.current_revision(url))
    if args.revision.startswith("-"):
        migrate.downgrade(url, args.revision)
        after = asyncio.run(migrate.current_revision(url))
        for script in reversed(migrate.revisions_between(url, after, before)):
            print(f"reverted {script.revision}: {script.doc}")
    else:
        migrate.upgrade(url, args.revision)
        after = asyncio.run(migrate.current_revision(url))
        for script in migrate.revisions_between(url, before, after):
            print(f"applied {script.revision}: {script.doc}")
    if before == after:
        print(f"nothing to apply: database already at {after or 'base'}")
    else:
        print(f"database at {after or 'base'}")


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
    from hub.auth.tokens import TokenService

    settings = get_settings()
    if args.role == Role.UTILITY.value and not args.org:
        sys.exit("a UTILITY token needs --org, the utility's organisation code (e.g. KF-WATER)")
    ttl = settings.token_ttl_seconds if args.ttl is None else args.ttl
    if ttl <= 0:
        sys.exit(f"--ttl must be a positive number of seconds, not {ttl}")
    service = TokenService(key=_signing_key(settings), issuer=settings.issuer, audience=settings.audience)
    subject = args.subject or f"{args.role.lower()}@{args.org or 'hub'}"
    print(service.issue(subject=subject, organisation=args.org, roles=[Role(args.role)], ttl_seconds=ttl))


def _signing_key(settings: Settings):  # type: ignore[no-untyped-def]
    """The hub's key. Only the embedded default may be created here, and it is said where; a key file that was
    named (HUB_SIGNING_KEY_FILE) or a production hub's is never made up."""
    from hub.auth import keys

    path = settings.key_file
    if path.exists():
        return keys.load(path)
    if settings.signing_key_file is not None or not settings.is_embedded:
        sys.exit(f"no signing key at {path}: create one with `hub keygen {path}` (a token signed with any other "
                 "key would be refused)")
    key = keys.generate(path)
    print(f"created the embedded default's signing key {path.resolve()} (kid {key.kid})", file=sys.stderr)
    return key


def _checkpoint_key():  # type: ignore[no-untyped-def]
    """The key that signed the checkpoints, if this hub has one (verifying needs no new key)."""
    from hub.auth import keys

    path = get_settings().key_file
    return keys.load(path) if path.exists() else None


def audit_verify(args: argparse.Namespace) -> None:
    from hub.audit import checkpoints
    from hub.audit.verify import verify
    from hub.db import Database

    saved = checkpoints.parse_lines(args.checkpoints.read_text().splitlines()) if args.checkpoints else []

    async def run() -> int:
        db = Database(get_settings().database_url)
        try:
            async with db.read() as session:
                report = await verify(session, key=_checkpoint_key(), saved=saved)
        finally:
            await db.dispose()
        if report.intact:
            print(f"audit chain intact: {report.records} records, {report.checkpoints} signed checkpoints passed")
            return 0
        if report.first_bad_id:
            print(f"audit chain BROKEN at record {report.first_bad_id}: {report.problem} "
                  f"({report.records} records before it verified)")
        else:
            print(f"audit chain BROKEN: {report.problem}")
        return 1

    sys.exit(asyncio.run(run()))


def audit_checkpoint(_: argparse.Namespace) -> None:
    """Sign the chain's head now, keep it in the database and print it for keeping elsewhere."""
    from hub.audit import checkpoints
    from hub.audit.verify import verify
    from hub.clock import utcnow
    from hub.db import Database

    key = _checkpoint_key()
    if key is None:
        sys.exit(f"signing key {get_settings().key_file} not found (set HUB_SIGNING_KEY_FILE)")

    async def run() -> int:
        db = Database(get_settings().database_url)
        try:
            async with db.read() as session:
                report = await verify(session, key=key)
            if not report.intact:  # never sign over a broken chain
                print(f"audit chain BROKEN: {report.problem}; no checkpoint taken", file=sys.stderr)
                return 1
            async with db.write() as session:
                token = await checkpoints.take(session, key, utcnow(), always=True)
        finally:
            await db.dispose()
        if token is None:
            print("the audit chain is empty; nothing to sign", file=sys.stderr)
            return 1
        print(token)
        return 0

    sys.exit(asyncio.run(run()))


def calendar_import(args: argparse.Namespace) -> None:
    """A year's official arrangement from a YAML or JSON file (docs/time-limits.md); exit 2 if it is refused."""
    import hub.models  # noqa: F401  (every mapped class, so relationships resolve in this process)
    from hub.auth.principal import Principal
    from hub.calendar import arrangement
    from hub.calendar import service as calendar_service
    from hub.clock import clock_for
    from hub.db import Database
    from hub.errors import HubError

    settings = get_settings()
    clock = clock_for(settings)
    operator = Principal(subject=f"cli:calendar-import:{args.file.name}", organisation=None,
                         roles=frozenset({Role.GOVERNANCE}))

    async def run() -> int:
        db = Database(settings.database_url)
        try:
            data = arrangement.read_file(args.file)
            async with db.write() as session:
                done = await calendar_service.import_year(session, principal=operator, data=data, now=clock.now())
        except HubError as error:
            print(f"hub calendar import: {args.file}: refused: {_refusal(error)}", file=sys.stderr)
            return 2
        finally:
            await db.dispose()
        print(f"loaded {done.year}; open time limits recounted: {done.recount.recomputed}, "
              f"deadlines moved: {done.recount.moved} (each announced as DEADLINE_CHANGED)")
        return 0

    sys.exit(asyncio.run(run()))


def documents_load(args: argparse.Namespace) -> None:
    """Register a manifest of persisted documents (docs/read-path.md); exit 2 if it is refused."""
    import hub.models  # noqa: F401  (every mapped class, so relationships resolve in this process)
    from hub.auth.principal import Principal
    from hub.clock import clock_for
    from hub.db import Database
    from hub.documents import service as document_service
    from hub.errors import HubError
    from hub.graphql.document_registry import inspect_document
    from hub.graphql.limits import QueryLimits
    from hub.graphql.schema import schema

    settings = get_settings()
    limits = QueryLimits.configured(settings, schema._schema)
    operator = Principal(subject=f"cli:documents-load:{args.file.name}", organisation=None,
                         roles=frozenset({Role.GOVERNANCE}))

    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        sys.exit(f"hub documents load: cannot read {args.file}: {error}")

    async def run() -> int:
        db = Database(settings.database_url)
        try:
            async with db.write() as session:
                done = await document_service.register(
                    session, principal=operator, documents=text,
                    client_name=args.client_name, client_version=args.client_version, now=clock_for(settings).now(),
                    inspect=lambda text: inspect_document(text, schema._schema, limits))
        except HubError as error:
            print(f"hub documents load: {args.file}: refused: {_refusal(error)}", file=sys.stderr)
            return 2
        finally:
            await db.dispose()
        print(f"registered {len(done.added)} new documents; {done.already_registered} were registered already")
        return 0

    sys.exit(asyncio.run(run()))


def documents_list(args: argparse.Namespace) -> None:
    """One line per registered document, newest first: id, operations, client, when and by whom."""
    from hub.db import Database
    from hub.documents import repository
    from hub.documents.manifest import PREFIX

    async def run() -> None:
        db = Database(get_settings().database_url)
        try:
            async with db.read() as session:
                rows = await repository.page(session, first=None, after=None, client_name=args.client_name)
        finally:
            await db.dispose()
        for row in rows:
            client = " ".join(filter(None, (row.client_name, row.client_version))) or "-"
            print(f"{PREFIX}{row.sha256}\t{','.join(row.operation_names) or '-'}\t{client}\t"
                  f"{row.registered_at.isoformat()}\t{row.registered_by}")

    asyncio.run(run())


def _refusal(error) -> str:  # type: ignore[no-untyped-def]
    """Every problem of a refused input on one line: `holidays[2]: …; year: …`."""
    problems = getattr(error, "problems", None)
    if not problems:
        return error.message
    return "; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in problems)


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
    p.add_argument("--workers", type=int, default=1, choices=range(1, 65), metavar="N",
                   help="worker processes (PostgreSQL and HUB_ENVIRONMENT=production only; default 1)")
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
    p = audit.add_parser("verify", help="check the hash chain against its head and signed checkpoints; exit 1 at the "
                                        "first changed, removed or re-ordered record, or removed newest records")
    p.add_argument("--checkpoints", type=Path, help="file of checkpoints kept outside the database "
                                                   "(one per line, e.g. from `hub audit checkpoint` or the log)")
    p.set_defaults(run=audit_verify)
    audit.add_parser("checkpoint", help="verify, then sign the chain's head now; prints the checkpoint to keep "
                                        "outside the database").set_defaults(run=audit_checkpoint)
    calendar = commands.add_parser("calendar", help="the holiday table").add_subparsers(dest="calendar_command", required=True)
    p = calendar.add_parser("import", help="load or correct a year's official arrangement (YAML, or JSON if named "
                                           "*.json: year, holidays, workdays, source; see docs/time-limits.md)")
    p.add_argument("file", type=Path)
    p.set_defaults(run=calendar_import)
    documents = commands.add_parser("documents", help="persisted documents (registered GraphQL documents)")
    documents = documents.add_subparsers(dest="documents_command", required=True)
    p = documents.add_parser("load", help='register a manifest: a JSON object mapping "sha256:<hex>" (or <hex>) to '
                                          "each document's text, e.g. the TypeScript client's persisted-documents.json")
    p.add_argument("file", type=Path)
    p.add_argument("--client-name", help="the client the documents belong to, e.g. bianjieban-app")
    p.add_argument("--client-version")
    p.set_defaults(run=documents_load)
    p = documents.add_parser("list", help="the registered documents, newest first (tab-separated: id, operations, "
                                          "client, registered at, by)")
    p.add_argument("--client-name", help="only this client's")
    p.set_defaults(run=documents_list)
    p = commands.add_parser("keygen", help="create a new ES256 signing key file (production set-up)")
    p.add_argument("out", type=Path)
    p.set_defaults(run=keygen)
    p = commands.add_parser("export-schema", help="write schema/hub.graphql from the code")
    p.add_argument("--check", action="store_true", help="fail if the file differs from the code")
    p.set_defaults(run=export_schema)
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except Exception as error:
        from hub.db import is_unavailable

        if not is_unavailable(error):
            raise
        sys.exit(f"the database is unavailable ({type(error).__name__}); try again when it is back")


if __name__ == "__main__":
    main()
