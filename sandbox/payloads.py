"""INTERACTION_CREATE payloads: the common envelope and slash-command option data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox import permissions as P
from sandbox import serializers as S
from sandbox.limits import ATTACHMENT_SIZE_LIMIT
from sandbox.models import Attachment, Channel, Guild, Role, User
from sandbox.snowflake import new_id

if TYPE_CHECKING:
    from sandbox.sandbox import Sandbox


SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN = 1, 2, 3, 4, 5
USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 6, 7, 8, 9, 10, 11


def envelope(
    sb: Sandbox,
    user: User,
    guild: Guild | None,
    channel: Channel,
    type_: int,
    data: dict[str, Any],
    interaction_id: int,
    token: str,
) -> dict[str, Any]:
    """The fields every interaction carries (discord.py needs attachment_size_limit)."""
    world = sb.world
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(sb.application.id),
        "type": type_,
        "data": data,
        "channel_id": str(channel.id),
        "channel": S.channel(channel, users=world.users),
        "token": token,
        "version": 1,
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if guild is not None:
        member = guild.members[user.id]
        bot = guild.members.get(world.bot.id)
        payload.update(
            guild_id=str(guild.id),
            guild={
                "id": str(guild.id),
                "locale": guild.preferred_locale,
                "features": guild.features,
            },
            guild_locale=guild.preferred_locale,
            member={
                **S.member(member),
                "permissions": str(P.channel_permissions(guild, member, channel)),
            },
            app_permissions=str(P.channel_permissions(guild, bot, channel) if bot else 0),
            authorizing_integration_owners={"0": str(guild.id)},
            context=0,
        )
    else:
        payload.update(
            user=S.user(user),
            app_permissions=str(P.ALL & ~P.ADMINISTRATOR),
            authorizing_integration_owners={"0": "0"},
            context=1,
        )
    return payload


class OptionBuilder:
    """Turns Python values into option data plus the `resolved` map, like the client does."""

    def __init__(self, sb: Sandbox, guild: Guild | None) -> None:
        self.sb, self.guild = sb, guild
        self.resolved: dict[str, dict[str, Any]] = {}

    def _add(self, kind: str, key: int, value: dict[str, Any]) -> None:
        self.resolved.setdefault(kind, {})[str(key)] = value

    def _user(self, value: Any) -> User:
        if hasattr(value, "user") and isinstance(value.user, User):
            return value.user
        if isinstance(value, User):
            return value
        if isinstance(value, int):
            return self.sb.world.users[value]
        user = self.sb.world.user_named(str(value).lstrip("@"))
        if user is None:
            raise ValueError(f"unknown user {value!r}")
        return user

    def resolve_user(self, value: Any) -> str:
        user = self._user(value)
        self._add("users", user.id, S.user(user))
        if self.guild is not None and user.id in self.guild.members:
            member = self.guild.members[user.id]
            self._add(
                "members",
                user.id,
                {
                    **S.member(member, with_user=False),
                    "permissions": str(P.base_permissions(self.guild, member)),
                },
            )
        return str(user.id)

    def resolve_channel(self, value: Any) -> str:
        if isinstance(value, Channel):
            ch = value
        elif isinstance(value, int):
            found = self.sb.world.channel(value)
            if found is None:
                raise ValueError(f"unknown channel {value}")
            ch = found
        elif self.guild is not None:
            ch = self.guild.channel(str(value))
        else:
            raise ValueError("a channel option needs a guild")
        data = S.channel(ch)
        data["permissions"] = str(P.ALL)
        self._add("channels", ch.id, data)
        return str(ch.id)

    def resolve_role(self, value: Any) -> str:
        if isinstance(value, Role):
            role = value
        elif self.guild is not None:
            role = (
                self.guild.roles[value] if isinstance(value, int) else self.guild.role(str(value))
            )
        else:
            raise ValueError("a role option needs a guild")
        self._add("roles", role.id, S.role(role))
        return str(role.id)

    def resolve_attachment(self, value: Any) -> str:
        if isinstance(value, Attachment):
            att = value
        else:
            filename, data = value
            att = Attachment(id=new_id(), filename=filename, data=data, ephemeral=True)
            self.sb.add_attachment(att)
        self._add("attachments", att.id, S.attachment(att))
        return str(att.id)

    def value(self, option: dict[str, Any], raw: Any) -> Any:
        kind = option["type"]
        if kind == USER:
            return self.resolve_user(raw)
        if kind == CHANNEL:
            return self.resolve_channel(raw)
        if kind == ROLE:
            return self.resolve_role(raw)
        if kind == MENTIONABLE:
            if isinstance(raw, Role) or (
                isinstance(raw, str)
                and self.guild is not None
                and any(r.name == raw for r in self.guild.roles.values())
            ):
                return self.resolve_role(raw)
            return self.resolve_user(raw)
        if kind == ATTACHMENT:
            return self.resolve_attachment(raw)
        if kind == INTEGER:
            value: Any = int(raw)
        elif kind == NUMBER:
            value = float(raw)
        elif kind == BOOLEAN:
            value = bool(raw)
        else:
            value = str(raw)
        choices = option.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise ValueError(f"{option['name']}: {value!r} is not one of the choices")
        for bound, ok in (
            ("min_value", lambda b: value >= b),
            ("max_value", lambda b: value <= b),
            ("min_length", lambda b: len(value) >= b),
            ("max_length", lambda b: len(value) <= b),
        ):
            if option.get(bound) is not None and not ok(option[bound]):
                raise ValueError(f"{option['name']}: {value!r} breaks {bound}={option[bound]}")
        return value

    def leaf_options(
        self, declared: list[dict[str, Any]], given: dict[str, Any], focused: str | None = None
    ) -> list[dict[str, Any]]:
        by_name = {o["name"]: o for o in declared}
        unknown_names = set(given) - set(by_name)
        if unknown_names:
            raise ValueError(
                f"unknown option(s) {sorted(unknown_names)}; declared: {sorted(by_name)}"
            )
        out = []
        for option in declared:
            name = option["name"]
            if name not in given:
                if option.get("required") and name != focused:
                    raise ValueError(f"missing required option {name!r}")
                continue
            if name == focused:
                out.append(
                    {
                        "name": name,
                        "type": option["type"],
                        "value": str(given[name]),
                        "focused": True,
                    }
                )
                continue
            out.append(
                {"name": name, "type": option["type"], "value": self.value(option, given[name])}
            )
        return out


def command_data(
    sb: Sandbox, guild: Guild | None, path: str, given: dict[str, Any], focused: str | None = None
) -> dict[str, Any]:
    """`data` for a chat-input command "name [group] [sub]" from the synced command tree."""
    words = path.lstrip("/").split()
    commands = sb.application.commands_for(guild.id if guild else None)
    cmd = next((c for c in commands if c["name"] == words[0] and c.get("type", 1) == 1), None)
    if cmd is None:
        names = sorted(c["name"] for c in commands)
        raise LookupError(f"/{words[0]} is not synced (synced: {names})")
    builder = OptionBuilder(sb, guild)
    declared = cmd.get("options") or []
    nest: list[tuple[str, int]] = []
    for word in words[1:]:
        sub = next((o for o in declared if o["name"] == word and o["type"] in (1, 2)), None)
        if sub is None:
            raise LookupError(f"/{path}: no subcommand {word!r}")
        nest.append((word, sub["type"]))
        declared = sub.get("options") or []
    if any(o["type"] in (1, 2) for o in declared):
        raise LookupError(f"/{path} needs a subcommand")
    options = builder.leaf_options(declared, given, focused)
    for name, kind in reversed(nest):
        options = [{"name": name, "type": kind, "options": options}]
    data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": options}
    if "guild_id" in cmd:
        data["guild_id"] = cmd["guild_id"]
    if builder.resolved:
        data["resolved"] = builder.resolved
    return data
