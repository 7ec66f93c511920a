"""`StaticResponseCache`: answers the demo's unchanging JSON routes from memory.

Every `gradio_client.Client` (and every page load) fetches the app's config
(~250 KB) and API description (~90 KB). Gradio rebuilds and re-encodes both
on each request, at 70-80 ms of CPU apiece on this demo, and the API
description is encoded on the server's event loop: 50 people connecting at
once kept the loop busy for seconds, and their queue joins (which
gradio_client gives 5 seconds) timed out behind it. Both documents are fixed
once the app is launched, so the first answer for each request line is kept
and replayed.
"""

__all__ = ["StaticResponseCache", "CACHED_ROUTES"]

# Route suffixes whose answers depend only on the request line and the
# headers in `_KEY_HEADERS` (the root URL written into the config).
CACHED_ROUTES = ("/config", "/gradio_api/info")
_KEY_HEADERS = (b"host", b"x-forwarded-host", b"x-forwarded-proto", b"x-forwarded-prefix", b"x-forwarded-port")
# A client cannot grow the cache without bound by varying query strings or hosts.
MAX_ENTRIES = 64


class StaticResponseCache:
    """ASGI middleware replaying the first successful answer of each `CACHED_ROUTES` GET.

    Args:
        app: the ASGI app to wrap (Gradio's).
        routes: path suffixes to cache.
        max_entries: distinct request lines kept at most (beyond, requests go through).

    Example:

    >>> import asyncio
    >>> calls = []
    >>> async def app(scope, receive, send):
    ...     calls.append(scope["path"])
    ...     await send({"type": "http.response.start", "status": 200, "headers": []})
    ...     await send({"type": "http.response.body", "body": b'{"ok": 1}'})
    >>> cached = StaticResponseCache(app)
    >>> async def get(path):
    ...     sent = []
    ...     async def send(message):
    ...         sent.append(message)
    ...     scope = {"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": []}
    ...     await cached(scope, None, send)
    ...     return b"".join(m.get("body", b"") for m in sent)
    >>> [asyncio.run(get("/config")) for _ in range(3)], calls
    ([b'{"ok": 1}', b'{"ok": 1}', b'{"ok": 1}'], ['/config'])
    """

    def __init__(self, app, routes=CACHED_ROUTES, max_entries=MAX_ENTRIES):
        self.app = app
        self.routes = tuple(routes)
        self.max_entries = int(max_entries)
        self.entries = {}

    def _key(self, scope):
        if scope["type"] != "http" or scope.get("method") != "GET":
            return None
        path = scope["path"].rstrip("/")
        if not path.endswith(self.routes):
            return None
        headers = dict(scope.get("headers") or [])
        return (path, scope.get("query_string", b""), tuple(headers.get(name) for name in _KEY_HEADERS))

    async def __call__(self, scope, receive, send):
        key = self._key(scope)
        if key is None:
            return await self.app(scope, receive, send)
        entry = self.entries.get(key)
        if entry is None:
            messages = []

            async def keep(message):
                messages.append(message)
                await send(message)

            await self.app(scope, receive, keep)
            start = messages[0] if messages else {}
            complete = messages and not messages[-1].get("more_body", False)
            if start.get("status") == 200 and complete and len(self.entries) < self.max_entries:
                body = b"".join(message.get("body", b"") for message in messages[1:])
                self.entries[key] = (start, body)
            return None
        start, body = entry
        await send(start)
        await send({"type": "http.response.body", "body": body})
        return None
