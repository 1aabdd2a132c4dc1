"""The console at /console/: governance (政务服务和大数据管理局), supervision (城市管理局, 优化营商环境办公室) and
utilities' conditional sharing requests (有条件共享).

A page of plain ES modules, CSS and hand-drawn SVG, every file served by the hub itself from hub/static/console/
(no build step, nothing from another host). It acts only through /graphql with the signed-in person's token, so
the API's policy decides everything it shows and does. Sign-in: on the embedded default bound to loopback the demo
identities (hub/demo.py); anywhere a pasted token; with HUB_OIDC_ISSUERS entries that name a `console_client_id`,
authorization code + PKCE at that issuer, the browser being a public client.
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from hub import demo
from hub.auth.issuers import TrustedIssuer
from hub.config import Settings
from hub.graphql import ide

STATIC = Path(__file__).resolve().parent / "static" / "console"

PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>一件事一次办 · 数据共享治理与时限监管</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="static/console.css">
  <script type="application/json" id="console-config">{config}</script>
  <script type="module" src="static/app.js"></script>
</head>
<body>
  <div id="app" class="loading">正在加载… Loading…</div>
  <noscript>此页面需要启用 JavaScript。This page needs JavaScript.</noscript>
</body>
</html>
"""


def enabled(settings: Settings) -> bool:
    return settings.console if settings.console is not None else settings.is_embedded


def sign_in_issuers(settings: Settings) -> list[TrustedIssuer]:
    return [i for i in settings.oidc_issuers if i.console_client_id]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def page_headers(settings: Settings) -> dict[str, str]:
    """Own origin only, except that sign-in talks to the issuers' discovery and token endpoints."""
    issuers = sign_in_issuers(settings)
    elsewhere = sorted({_origin(url) for i in issuers for url in (i.issuer, i.token_endpoint or i.issuer)})
    connect = " ".join(["'self'", *elsewhere])
    return {
        "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        f"font-src 'self'; connect-src {connect}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
    }


def page_config(settings: Settings) -> dict:
    return {
        "graphql": "../graphql",
        "graphiql": "../graphql" if ide.enabled(settings) else None,
        "demoTokens": "demo-tokens" if demo.offered(settings) else None,
        "oidc": [{"issuer": i.issuer, "name": i.name or urlsplit(i.issuer).netloc, "clientId": i.console_client_id,
                  "authorizationEndpoint": i.authorization_endpoint, "tokenEndpoint": i.token_endpoint,
                  "scope": i.scope} for i in sign_in_issuers(settings)],
    }


def routes(settings: Settings) -> list[BaseRoute]:
    """The page, its files and (embedded on loopback) the demo tokens; nothing when the console is off."""
    if not enabled(settings):
        return []
    # `<` escaped: no configured text can close the <script> element the JSON sits in.
    page = PAGE.replace("{config}", json.dumps(page_config(settings), ensure_ascii=False).replace("<", "\\u003c"))
    headers = page_headers(settings)

    async def console(_: Request) -> Response:
        return HTMLResponse(page, headers=headers)

    async def to_console(_: Request) -> Response:  # the page's relative URLs need the trailing slash
        return RedirectResponse("console/", status_code=308)

    found: list[BaseRoute] = [
        Route("/console", to_console),
        Route("/console/", console),
        Mount("/console/static", StaticFiles(directory=STATIC), name="console-static"),
    ]
    if demo.offered(settings):
        found.append(Route("/console/demo-tokens", demo.tokens_endpoint(settings)))
    return found
