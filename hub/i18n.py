"""User-facing messages (提示语) in the caller's language: Simplified Chinese unless English is asked for.

Code writes each message in English and marks it: `_l("no such case")`, or with named values that a translation
may put in any order, `_l("the case is at version {current}, not {expected}", current=3, expected=2)`. The mark
gives a `Message`: a `str` whose value is the English text (what logs, headers and the command line show), which
keeps its message id and values so that the answer boundary can render it again in the caller's language with
`localise`. Services raise with marked messages and know nothing of languages; the language of the request is
negotiated once (`LocaleMiddleware`, the WebSocket's `connection_init`) and kept in a context variable.

Catalogues: hub/locale/<locale>/LC_MESSAGES/hub.po, compiled to hub.mo by `make messages` (docs/messages.md).
"""

import gettext
import logging
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from starlette.types import ASGIApp, Message as ASGIMessage, Receive, Scope, Send

from hub.headers import weighted

log = logging.getLogger("hub.i18n")

DOMAIN = "hub"
LOCALE_DIR = Path(__file__).parent / "locale"
CHINESE = "zh_CN"
ENGLISH = "en"
CONTENT_LANGUAGE = {CHINESE: "zh-CN", ENGLISH: "en"}

_locale: ContextVar[str] = ContextVar("hub_locale", default=CHINESE)


class Message(str):
    """A marked message: its English text as a `str`, and its id and values for translation."""

    msgid: str
    params: dict[str, object]

    def __new__(cls, msgid: str, params: dict[str, object]) -> "Message":
        text = super().__new__(cls, _fill(msgid, params, ENGLISH))
        text.msgid, text.params = msgid, params
        return text

    def __reduce__(self):  # type: ignore[no-untyped-def]
        """Copies and pickles rebuild the message from its id and values (str's own would pass the text)."""
        return Message, (self.msgid, self.params)

    def in_locale(self, locale: str) -> str:
        return _fill(_catalogue(locale).gettext(self.msgid), self.params, locale)


def _l(msgid: str, /, **params: object) -> Message:
    """Mark a user-facing message (extracted by `pybabel extract -k _l`); translated where it is answered."""
    return Message(msgid, params)


def localise(text: str, locale: str | None = None) -> str:
    """`text` in `locale` (default: the current request's) when it is a marked message; other text unchanged."""
    if isinstance(text, Message):
        return text.in_locale(locale or _locale.get())
    return text


def use_locale(locale: str) -> None:
    """Answer in `locale` from here on in this task and the tasks it starts (a WebSocket's operations)."""
    _locale.set(locale)


def negotiate(accept_language: str | None) -> str:
    """English when the caller's most preferred language the hub speaks is English (`en`, `en-US`, …); Chinese
    otherwise, for any `zh*`, `*`, a language the hub does not speak, or no header at all."""
    ranges = [(-quality, position, tag) for position, (tag, quality) in enumerate(weighted(accept_language))
              if tag and quality > 0]
    for _, _, tag in sorted(ranges):
        if tag == ENGLISH or tag.startswith(ENGLISH + "-"):
            return ENGLISH
        if tag == "*" or tag == "zh" or tag.startswith("zh-"):
            return CHINESE
    return CHINESE


class LocaleMiddleware:
    """Negotiates each HTTP request's and WebSocket's language from `Accept-Language` (a WebSocket may still
    choose another in its `connection_init`) and says which one answered (`Content-Language`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1")
        token = _locale.set(negotiate(header))

        async def labelled_send(message: ASGIMessage) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"],
                                      (b"content-language", CONTENT_LANGUAGE[_locale.get()].encode()),
                                      (b"vary", b"Accept-Language")]
            await send(message)

        try:
            await self.app(scope, receive, labelled_send)
        finally:
            _locale.reset(token)


def _fill(template: str, params: dict[str, object], locale: str) -> str:
    """The template with its named values; values that are messages themselves are translated too."""
    return template.format(**{name: localise(value, locale) if isinstance(value, Message) else value
                              for name, value in params.items()})


@cache
def _catalogue(locale: str) -> gettext.NullTranslations:
    if locale == ENGLISH:
        return gettext.NullTranslations()  # the message ids are the English texts
    try:
        return gettext.translation(DOMAIN, LOCALE_DIR, languages=[locale])
    except FileNotFoundError:
        log.warning("no compiled catalogue %s/%s/LC_MESSAGES/%s.mo: answering in English (run `make messages`)",
                    LOCALE_DIR, locale, DOMAIN)
        return gettext.NullTranslations()
