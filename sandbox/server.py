"""One aiohttp server: REST under /api/v10, the gateway websocket, attachment files."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox import routes  # noqa: F401  (registers every handler)
from sandbox.errors import ApiError, invalid_form, not_found_route, unauthorized
from sandbox.recorder import RequestRecord
from sandbox.router import Ctx, resolve

if TYPE_CHECKING:
    from sandbox.sandbox import Sandbox

log = logging.getLogger("sandbox.server")
API_PREFIX = "/api/v10"


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with the content type exactly `application/json` (discord.py checks it)."""
    if status == 204 or body is None:
        return web.Response(status=204, headers=headers)
    raw = json.dumps(body, ensure_ascii=False).encode()
    return web.Response(
        status=status, body=raw, headers={**(headers or {}), "Content-Type": "application/json"}
    )


async def _read_body(request: web.Request) -> tuple[Any, list[tuple[str, str, bytes, str | None]]]:
    ctype = request.content_type
    if ctype.startswith("multipart/"):
        form = await request.post()
        payload: Any = None
        files: list[tuple[str, str, bytes, str | None]] = []
        for key, value in form.items():
            if isinstance(value, web.FileField):
                if key == "payload_json":
                    payload = json.loads(value.file.read())
                else:
                    files.append((key, value.filename, value.file.read(), value.content_type))
            elif key == "payload_json":
                payload = json.loads(value)
        return payload, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        raise invalid_form(
            {"_errors": [{"code": "BASE_TYPE_BAD_JSON", "message": "bad json"}]}
        ) from None


class ApiServer:
    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self.app.router.add_get("/gateway", sb.gateway.handle)
        self.app.router.add_get("/attachments/{attachment_id}/{filename}", self.attachment)
        self.app.router.add_route("*", API_PREFIX + "/{tail:.*}", self.api)
        self.app.router.add_route("*", "/{tail:.*}", self.not_found)
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        self.runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", self.sb.requested_port)
        await site.start()
        self.port = int(self.runner.addresses[0][1])

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    async def not_found(self, request: web.Request) -> web.Response:
        return json_response(404, not_found_route().body())

    async def attachment(self, request: web.Request) -> web.Response:
        att = self.sb.attachments.get(int(request.match_info["attachment_id"]))
        if att is None:
            return json_response(404, not_found_route().body())
        return web.Response(
            body=att.data, content_type=att.content_type or "application/octet-stream"
        )

    async def api(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        method = request.method
        rt, params, template = resolve(method, path)
        record = RequestRecord(
            method=method,
            route=template or path,
            path=path,
            json=None,
            headers=dict(request.headers),
            params=params,
            query=dict(request.query),
        )
        try:
            response = await self._answer(request, record, rt, params)
        except Exception:  # a bug in the sandbox must not look like a hung Discord
            log.exception("sandbox handler crashed on %s %s", method, path)
            response = json_response(500, {"message": "500: Internal Server Error", "code": 0})
        record.status = response.status
        record.response_headers = dict(response.headers)
        token = params.get("interaction_token") or params.get("webhook_token")
        interaction = self.sb.interaction_by_token(token) if token else None
        if interaction is not None:
            interaction.requests.append(record)
        self.sb.recorder.add(record)
        return response

    async def _answer(
        self, request: web.Request, record: RequestRecord, rt: Any, params: dict[str, str]
    ) -> web.Response:
        try:
            body, files = await _read_body(request)
        except ApiError as exc:
            return json_response(exc.status, exc.body())
        record.json = body
        record.files = [(name, data) for _, name, data, _ in files]
        if rt is None:
            log.warning("sandbox: no route for %s %s", request.method, record.path)
            if record.route != record.path:
                return json_response(405, {"message": "405: Method Not Allowed", "code": 0})
            return json_response(404, not_found_route().body())
        if rt.auth and request.headers.get("Authorization") != f"Bot {self.sb.application.token}":
            return json_response(401, unauthorized().body())

        faults = self.sb.faults.take(request.method, rt.template)
        for fault in faults:
            if fault.kind == "slow":
                await asyncio.sleep(fault.seconds)
        for fault in faults:
            if fault.kind == "rate_limit":
                return self._too_many(record, fault.retry_after, fault.is_global, {})
            if fault.kind == "error":
                record.response = {"message": fault.message, "code": fault.code}
                return json_response(fault.status, record.response)

        verdict = self.sb.ratelimiter.check(request.method, rt.template, params)
        if verdict.retry_after is not None:
            return self._too_many(record, verdict.retry_after, verdict.is_global, verdict.headers)
        ctx = Ctx(sb=self.sb, request=request, params=params, json=body, files=files)
        try:
            result = await rt.handler(ctx)
        except ApiError as exc:
            record.response = exc.body()
            headers = dict(verdict.headers)
            if exc.status == 429:  # discord.py needs `Via` to trust a 429
                headers.update({"Via": "1.1 google", "X-RateLimit-Scope": "user"})
            return json_response(exc.status, exc.body(), headers)
        status, payload = result if isinstance(result, tuple) else (200, result)
        record.response = payload
        return json_response(status, payload, verdict.headers)

    def _too_many(
        self, record: RequestRecord, retry_after: float, is_global: bool, headers: dict[str, str]
    ) -> web.Response:
        # discord.py treats a 429 without `Via` as a Cloudflare ban.
        headers = {
            **headers,
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(retry_after))),
            "X-RateLimit-Scope": "global"
            if is_global
            else headers.get("X-RateLimit-Scope", "user"),
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": is_global,
            "code": 0,
        }
        record.response = body
        return json_response(429, body, headers)
