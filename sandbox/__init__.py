"""A local Discord (REST + gateway on 127.0.0.1) for the real discord.py client."""

from sandbox.actors import Actor
from sandbox.client import point_at, point_discord_py_at
from sandbox.interactions import InteractionRecord, InteractionResponse
from sandbox.models import Channel, Guild, Member, Message, Role, User
from sandbox.ratelimits import RateLimitConfig
from sandbox.recorder import RequestRecord
from sandbox.sandbox import Sandbox

__all__ = [
    "Actor",
    "Channel",
    "Guild",
    "InteractionRecord",
    "InteractionResponse",
    "Member",
    "Message",
    "RateLimitConfig",
    "RequestRecord",
    "Role",
    "Sandbox",
    "User",
    "point_at",
    "point_discord_py_at",
]
