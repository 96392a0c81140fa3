"""REST handlers, registered by importing their modules."""

from sandbox.routes import commands, interactions, messages, meta  # noqa: F401
