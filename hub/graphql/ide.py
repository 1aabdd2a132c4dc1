"""GraphiQL at /graphql for browsers, served wholly by the hub: no file of the page comes from another host.

A GET of /graphql that asks for HTML gets the page (with or without `?query=`, with or without a token); every
other request goes to the API, which needs a bearer token. The page's files are the npm builds vendored into
hub/static/graphiql/ by scripts/vendor-graphiql.sh. On the embedded default bound to loopback, the page offers the
demo tokens printed on first start; elsewhere the user pastes a token, which the page keeps for the tab.
"""

from pathlib import Path

from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from hub import demo
from hub.auth.middleware import is_page_request
from hub.config import Settings
from hub.i18n import _l, localise

STATIC = Path(__file__).resolve().parent.parent / "static" / "graphiql"
DEMO_TOKENS_PATH = "/graphiql/demo-tokens"

# Relative URLs: the page lives at the GraphQL endpoint itself, so they resolve under any path prefix.
PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Kaifeng utilities hub · GraphiQL</title>
  <link rel="stylesheet" href="static/graphiql/graphiql.min.css">
  <link rel="stylesheet" href="static/graphiql/hub-graphiql.css">
  <script type="application/json" id="hub-graphiql-config">{config}</script>
</head>
<body>
  <div id="hub-graphiql">Loading GraphiQL…</div>
  <script src="static/graphiql/react.production.min.js"></script>
  <script src="static/graphiql/react-dom.production.min.js"></script>
  <script src="static/graphiql/graphiql.min.js"></script>
  <script src="static/graphiql/hub-graphiql.js"></script>
</body>
</html>
"""

# The page may load and connect to its own origin only; GraphiQL's styles set inline styles, its fonts are data: URLs.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Vary": "Accept",
}

def enabled(settings: Settings) -> bool:
    return settings.graphiql if settings.graphiql is not None else settings.is_embedded


def offers_demo_tokens(settings: Settings) -> bool:
    return enabled(settings) and demo.offered(settings)


class GraphiQLPage:
    """In front of the GraphQL app: answers a browser's page request, passes everything else on."""

    def __init__(self, api: ASGIApp, settings: Settings):
        self.api = api
        self.enabled = enabled(settings)
        config = {"demoTokens": DEMO_TOKENS_PATH.lstrip("/") if offers_demo_tokens(settings) else None}
        # `</` cannot occur in this JSON, so it cannot close the <script> element it sits in.
        self.page = PAGE.replace("{config}", JSONResponse(config).body.decode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_page_request(scope):
            await self.api(scope, receive, send)
            return
        response: Response = (
            HTMLResponse(self.page, headers=PAGE_HEADERS) if self.enabled
            else PlainTextResponse(localise(_l("GraphiQL is turned off on this hub (HUB_GRAPHIQL).")), status_code=404,
                                   headers={"Vary": "Accept"})
        )
        await response(scope, receive, send)


def routes(settings: Settings) -> list[BaseRoute]:
    """The page's files, and (embedded on loopback) the demo tokens; nothing when GraphiQL is off."""
    if not enabled(settings):
        return []
    found: list[BaseRoute] = [Mount("/static/graphiql", StaticFiles(directory=STATIC), name="graphiql-static")]
    if offers_demo_tokens(settings):
        found.append(Route(DEMO_TOKENS_PATH, demo.tokens_endpoint(settings)))
    return found
