"""A readable transcript of what Discord saw, from the sandbox's own records.

Members' actions come from the sandbox's gateway events (messages, joins, slash commands,
clicks, modal submissions); Vigie's come from the REST requests it made (messages, embeds,
ephemeral replies, buttons, modals, bans, timeouts, role changes, deletions). Both streams are
time-stamped and merged, so the transcript shows the order in which things happened.
No discord import: it only reads dictionaries.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Interaction callback types (Discord's InteractionResponseType).
_CALLBACKS = {4: "reply", 5: "thinking…", 6: "ack", 7: "update", 9: "modal"}
_MAX_TEXT = 300
_MENTION = re.compile(r"<(@[!&]?|#)(\d+)>")


def _short(text: str, limit: int = _MAX_TEXT) -> str:
    text = " ".join(str(text).split()) if "\n" not in str(text) else str(text).strip()
    lines = text.splitlines()
    if len(lines) > 6:
        text = "\n".join(lines[:6]) + f"\n… ({len(lines) - 6} more lines)"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _indent(text: str) -> str:
    return text.replace("\n", "\n      ")


def _buttons(components: list[dict[str, Any]] | None) -> list[str]:
    labels: list[str] = []
    for row in components or []:
        for item in row.get("components", []) or [row]:
            if item.get("type") == 2:
                labels.append(f"[{item.get('label') or item.get('emoji', {}).get('name', '?')}]")
            elif item.get("type") in (3, 5, 6, 7, 8):
                labels.append(f"[select: {item.get('placeholder') or item.get('custom_id')}]")
    return labels


def _label_of(components: list[dict[str, Any]], custom_id: str) -> str | None:
    """The label (or placeholder) of the component with ``custom_id`` in message rows."""
    for row in components:
        for item in row.get("components") or [row]:
            if item.get("custom_id") == custom_id:
                return (
                    item.get("label")
                    or item.get("placeholder")
                    or (item.get("emoji") or {}).get("name")
                )
    return None


def _modal_values(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(custom_id, value) of a modal submission: action rows or label components."""
    found: list[tuple[str, str]] = []
    for row in body.get("components") or []:
        items = list(row.get("components") or [])
        if row.get("component"):
            items.append(row["component"])
        for item in items:
            value = item.get("value")
            if value is None and item.get("values") is not None:
                value = ", ".join(map(str, item["values"]))
            if item.get("custom_id") and value is not None:
                found.append((item["custom_id"], str(value)))
    return found


FOLLOW_UP_ROUTE = "/webhooks/{webhook_id}/{webhook_token}"


def _only_clears_buttons(body: dict[str, Any], files: list[Any] | None) -> bool:
    """An edit that only takes the buttons away (a closed poll, an answered question)."""
    return body.get("components") == [] and not files and describe_message(body) == "(empty)"


def describe_message(body: dict[str, Any] | None, files: list[Any] | None = None) -> str:
    """Content, embed titles, attachment names and buttons of a message payload."""
    body = body or {}
    parts: list[str] = []
    if body.get("content"):
        parts.append(_short(body["content"]))
    for embed in body.get("embeds") or []:
        title = embed.get("title") or embed.get("description", "")[:60] or "embed"
        fields = ", ".join(
            f"{f.get('name')}: {f.get('value')}" for f in embed.get("fields", [])[:6]
        )
        parts.append(
            f"[embed: {_short(title, 80)}]" + (f" {_short(fields, 200)}" if fields else "")
        )
    names = [
        str(f[0]) if isinstance(f, tuple | list) else str(getattr(f, "filename", f))
        for f in files or []
    ]
    names += [a.get("filename", "") for a in body.get("attachments") or [] if a.get("filename")]
    for name in dict.fromkeys(n for n in names if n):
        parts.append(f"[file: {name}]")
    parts.extend(_buttons(body.get("components")))
    return " ".join(parts) if parts else "(empty)"


@dataclass
class Transcript:
    """Collects narration, member actions and bot requests; renders them in order."""

    bot_id: int
    names: dict[int, str] = field(default_factory=dict)  # channel id -> '#name'
    users: dict[int, str] = field(default_factory=dict)  # user id -> name
    roles: dict[int, str] = field(default_factory=dict)  # role id -> name
    # Names the transcript did not see being created (DM channels, threads): asked lazily.
    resolve_channel: Callable[[int], str | None] | None = None
    authors: dict[int, str] = field(default_factory=dict)  # message id -> author name
    items: list[tuple[float, int, str]] = field(default_factory=list)
    _seq: int = 0

    def _add(self, at: float, line: str) -> None:
        self._seq += 1
        self.items.append((at, self._seq, _MENTION.sub(self._mention, line)))

    def _mention(self, match: re.Match[str]) -> str:
        kind, ident = match.group(1), int(match.group(2))
        if kind == "#":
            return self.names.get(ident, match.group(0))
        if kind == "@&":
            return "@" + self.roles.get(ident, "role")
        return "@" + self.users.get(ident, "someone")

    def narrate(self, text: str) -> None:
        self._add(time.time(), f"\n== {text}")

    def channel(self, channel_id: Any) -> str:
        try:
            ident = int(channel_id)
        except (TypeError, ValueError):
            return str(channel_id)
        if ident not in self.names and self.resolve_channel is not None:
            name = self.resolve_channel(ident)
            if name:
                self.names[ident] = name
        return self.names.get(ident, f"#{ident}")

    def user(self, user_id: Any, fallback: str = "someone") -> str:
        try:
            return self.users.get(int(user_id), fallback)
        except (TypeError, ValueError):
            return fallback

    # -- members (gateway events) ---------------------------------------------------------
    def on_event(self, name: str, data: dict[str, Any], at: float | None = None) -> None:
        at = time.time() if at is None else at
        line = self.describe_event(name, data)
        if line:
            self._add(at, line)

    def describe_event(self, name: str, data: dict[str, Any]) -> str | None:
        author = (
            data.get("author") or (data.get("member") or {}).get("user") or data.get("user") or {}
        )
        who = author.get("username") or self.user(author.get("id"))
        if author.get("id") is not None:
            self.users.setdefault(int(author["id"]), who)
        if author.get("bot") or str(author.get("id")) == str(self.bot_id):
            if name == "MESSAGE_CREATE" and data.get("id"):
                self.authors[int(data["id"])] = "Vigie"
            return None  # Vigie's own doings are rendered from its requests
        if name == "MESSAGE_CREATE":
            if data.get("id"):
                self.authors[int(data["id"])] = who
            return f"  {who} in {self.channel(data.get('channel_id'))}: {_short(data.get('content', ''))}"
        if name == "GUILD_MEMBER_ADD":
            return f"  {who} joined the server"
        if name == "GUILD_MEMBER_REMOVE":
            return f"  {who} left the server"
        if name == "MESSAGE_REACTION_ADD":
            emoji = (data.get("emoji") or {}).get("name", "?")
            return f"  {self.user(data.get('user_id'))} reacted {emoji}"
        if name == "INTERACTION_CREATE":
            return self._describe_interaction(who, data)
        return None

    def _describe_interaction(self, who: str, data: dict[str, Any]) -> str | None:
        kind = data.get("type")
        body = data.get("data") or {}
        if kind == 2:
            words = [body.get("name", "?")]
            options = body.get("options") or []
            while options and options[0].get("type") in (1, 2):
                words.append(options[0]["name"])
                options = options[0].get("options") or []
            resolved = body.get("resolved") or {}
            args = " ".join(f"{o['name']}:{self._option(o, resolved)}" for o in options)
            return f"  {who} used /{' '.join(words)}" + (f" {args}" if args else "")
        if kind == 3:
            custom_id = body.get("custom_id", "?")
            components = (data.get("message") or {}).get("components") or []
            label = _label_of(components, custom_id)
            if body.get("values") is not None:
                return (
                    f"  {who} chose {', '.join(map(str, body['values']))} in {label or custom_id}"
                )
            return f"  {who} pressed [{label}]" if label else f"  {who} pressed {custom_id}"
        if kind == 5:
            values = [f"{cid}={_short(value, 60)!r}" for cid, value in _modal_values(body)]
            return f"  {who} submitted the form " + (", ".join(values) or "(no fields)")
        return None

    def _option(self, option: dict[str, Any], resolved: dict[str, Any]) -> str:
        value = option.get("value")
        if option.get("type") == 6:  # user
            user = (resolved.get("users") or {}).get(str(value)) or {}
            return "@" + (user.get("username") or self.user(value, str(value)))
        if option.get("type") == 7:  # channel
            return self.channel(value)
        if option.get("type") == 8:  # role
            text = str(value)
            return "@" + self.roles.get(int(text), text) if text.isdigit() else text
        if option.get("type") == 11:  # attachment
            attachment = (resolved.get("attachments") or {}).get(str(value)) or {}
            return f"[file: {attachment.get('filename', value)}]"
        return _short(str(value), 80)

    # -- Vigie (REST requests) ------------------------------------------------------------
    def on_request(
        self,
        method: str,
        route: str,
        body: Any,
        status: int,
        params: dict[str, str],
        files: list[Any] | None = None,
        at: float | None = None,
        reason: str | None = None,
    ) -> None:
        at = time.time() if at is None else at
        line = self.describe_request(method, route, body, params, files, reason)
        if line:
            suffix = "" if 200 <= status < 300 else f"  -> refused by Discord ({status})"
            self._add(at, f"  Vigie {_indent(line)}{suffix}")

    def describe_request(
        self,
        method: str,
        route: str,
        body: Any,
        params: dict[str, str],
        files: list[Any] | None,
        reason: str | None,
    ) -> str | None:
        raw, body = body, (body if isinstance(body, dict) else {})
        why = f" (reason: {reason})" if reason else ""
        member = self.user(params.get("user_id"), "a member")
        if method == "POST" and route == "/channels/{channel_id}/messages":
            return f"in {self.channel(params.get('channel_id'))}: {describe_message(body, files)}"
        if (
            method == "POST"
            and route == "/interactions/{interaction_id}/{interaction_token}/callback"
        ):
            kind = body.get("type")
            data = body.get("data") or {}
            if kind == 9:
                return f"opened the form “{data.get('title', '')}”"
            if kind in (4, 7):
                private = " (only they see it)" if (data.get("flags") or 0) & 64 else ""
                verb = "replied" if kind == 4 else "updated the message"
                return f"{verb}{private}: {describe_message(data, files)}"
            return None if kind == 6 else f"answered ({_CALLBACKS.get(kind, kind)})"
        # Follow-ups and @original: Discord's webhook route, with the application's id and
        # the interaction's token (the sandbox records it under its webhook template).
        if route.startswith(FOLLOW_UP_ROUTE):
            if method == "GET":
                return None  # reading its own reply back (original_response) shows nothing
            verb = "followed up" if method == "POST" else "edited its reply"
            if method == "DELETE":
                return "deleted its reply"
            if method == "PATCH" and _only_clears_buttons(body, files):
                return "removed the buttons of its reply"
            private = " (only they see it)" if (body.get("flags") or 0) & 64 else ""
            return f"{verb}{private}: {describe_message(body, files)}"
        if method == "PATCH" and route == "/channels/{channel_id}/messages/{message_id}":
            where = self.channel(params.get("channel_id"))
            if _only_clears_buttons(body, files):
                return f"removed the buttons of a message in {where}"
            return f"edited a message in {where}: {describe_message(body, files)}"
        if method == "DELETE" and route == "/channels/{channel_id}/messages/{message_id}":
            author = self.authors.get(int(params.get("message_id") or 0))
            whose = f" by {author}" if author else ""
            return f"deleted a message{whose} in {self.channel(params.get('channel_id'))}{why}"
        if route == "/channels/{channel_id}/messages/bulk-delete":
            return f"deleted {len(body.get('messages', []))} messages in {self.channel(params.get('channel_id'))}{why}"
        if method == "PUT" and route == "/guilds/{guild_id}/bans/{user_id}":
            return f"banned {member}{why}"
        if method == "DELETE" and route == "/guilds/{guild_id}/bans/{user_id}":
            return f"unbanned {member}{why}"
        if method == "DELETE" and route == "/guilds/{guild_id}/members/{user_id}":
            return f"kicked {member}{why}"
        if method == "PATCH" and route == "/guilds/{guild_id}/members/{user_id}":
            if "communication_disabled_until" in body:
                until = body["communication_disabled_until"]
                return (
                    f"timed out {member} until {until}{why}"
                    if until
                    else f"lifted the timeout of {member}{why}"
                )
            if "roles" in body:
                names = [self.roles.get(int(r), str(r)) for r in body["roles"]]
                return f"set the roles of {member}: {', '.join(names) or 'none'}{why}"
            if "nick" in body:
                return f"renamed {member} to {body['nick']!r}{why}"
            return f"updated {member}{why}"
        if route == "/guilds/{guild_id}/members/{user_id}/roles/{role_id}":
            verb = "gave a role to" if method == "PUT" else "took a role from"
            return f"{verb} {member}{why}"
        if method == "POST" and route.startswith("/channels/{channel_id}/") and "threads" in route:
            return f"opened the thread “{body.get('name', '')}” in {self.channel(params.get('channel_id'))}"
        if (
            method == "PUT"
            and route.startswith("/channels/{channel_id}/messages/")
            and "reactions" in route
        ):
            return f"reacted {params.get('emoji', '')}"
        if method == "PUT" and route == "/applications/{application_id}/guilds/{guild_id}/commands":
            return f"registered {len(raw) if isinstance(raw, list) else '?'} slash commands"
        return None

    def render(self, since: int = 0) -> list[str]:
        """Lines in time order from item ``since`` on (the caller tracks what it printed)."""
        ordered = sorted(self.items, key=lambda item: (item[0], item[1]))
        return [line for _, _, line in ordered[since:]]
