"""The config and API description are answered from memory after the first time."""

import asyncio

import pytest

from keras_gen.apps.response_cache import StaticResponseCache

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="plain ASGI; two backends suffice")


def make_app(status=200):
    calls = []

    async def app(scope, receive, send):
        calls.append((scope["method"], scope["path"], dict(scope["headers"]).get(b"host")))
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"json")]})
        await send({"type": "http.response.body", "body": b'{"n": ', "more_body": True})
        await send({"type": "http.response.body", "body": str(len(calls)).encode() + b"}"})

    return app, calls


def request(app, path, method="GET", host=b"127.0.0.1:7860", query=b""):
    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "query_string": query, "headers": [(b"host", host)]}
    asyncio.run(app(scope, None, send))
    return sent[0]["status"], b"".join(message.get("body", b"") for message in sent[1:])


def test_the_first_answer_is_replayed_per_request_line_and_host():
    app, calls = make_app()
    cached = StaticResponseCache(app)
    assert request(cached, "/config") == (200, b'{"n": 1}')
    assert request(cached, "/config/") == (200, b'{"n": 1}')
    assert request(cached, "/gradio_api/info") == (200, b'{"n": 2}')
    assert request(cached, "/gradio_api/info") == (200, b'{"n": 2}')
    # The config holds the root URL: another host gets its own answer.
    assert request(cached, "/config", host=b"localhost:7860") == (200, b'{"n": 3}')
    assert request(cached, "/config", query=b"deep_link=x") == (200, b'{"n": 4}')
    assert len(calls) == 4


def test_other_routes_methods_and_failures_go_through():
    app, calls = make_app()
    cached = StaticResponseCache(app)
    for _ in range(2):
        request(cached, "/gradio_api/queue/join", method="POST")
        request(cached, "/gradio_api/file=/tmp/x.png")
        request(cached, "/config", method="POST")
    assert len(calls) == 6
    failing, calls = make_app(status=500)
    cached = StaticResponseCache(failing)
    request(cached, "/config"), request(cached, "/config")
    assert len(calls) == 2


def test_the_cache_is_bounded():
    app, calls = make_app()
    cached = StaticResponseCache(app, max_entries=2)
    for index in range(4):
        request(cached, "/config", query=str(index).encode())
    request(cached, "/config", query=b"3")
    assert len(cached.entries) == 2 and len(calls) == 5
