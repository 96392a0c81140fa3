"""REST handlers, registered by importing their modules."""

from sandbox.routes import (  # noqa: F401
    channels,
    commands,
    guilds,
    interactions,
    members,
    messages,
    meta,
)
