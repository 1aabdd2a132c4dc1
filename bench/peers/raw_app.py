"""The raw limit for the "my cases" page: one Starlette handler, one SQL statement that builds the JSON.

    PEER_DATABASE_URL=postgresql://... uvicorn --app-dir bench/peers raw_app:app --port 8004

POST /my-cases {"subject": "...", "first": 20} answers {"data": {"myCases": [...]}} with the fields the
hub's page asks for. No authentication, no access policy, no audit: what is left is the database round
trip, JSON in PostgreSQL and the HTTP server.
"""

import contextlib
import json
import os

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PAGE = """
SELECT json_build_object('data', json_build_object('myCases', coalesce(json_agg(json_build_object(
         'number', c.number, 'status', c.status, 'submittedAt', c.submitted_at,
         'assignments', (SELECT coalesce(json_agg(json_build_object(
                                  'service', a.service, 'status', a.status,
                                  'result', CASE WHEN a.status = 'COMPLETED'
                                                 THEN json_build_object('accountNumber', a.result_account_number) END)
                                ORDER BY a.service), '[]')
                         FROM public.assignments a WHERE a.case_id = c.id))
       ORDER BY c.submitted_at DESC, c.id DESC), '[]')))::text
FROM (SELECT * FROM peers.my_cases($1) LIMIT $2) AS c
"""


@contextlib.asynccontextmanager
async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
    # Idle connections are closed soon: the PostgreSQL serving this benchmark is usually shared.
    app.state.pool = await asyncpg.create_pool(os.environ["PEER_DATABASE_URL"], min_size=1, max_size=10,
                                               max_inactive_connection_lifetime=5)
    yield
    await app.state.pool.close()


async def my_cases(request: Request) -> Response:
    args = json.loads(await request.body())
    body = await request.app.state.pool.fetchval(PAGE, args["subject"], int(args.get("first", 20)))
    return Response(body, media_type="application/json")


app = Starlette(routes=[Route("/my-cases", my_cases, methods=["POST"])], lifespan=lifespan)
