"""servicecoach: measure and coach customer-service conversations across every channel."""

from __future__ import annotations

from servicecoach.model import (
    Channel,
    Conversation,
    Customer,
    Message,
    Participant,
    Role,
)

__all__ = ["Channel", "Conversation", "Customer", "Message", "Participant", "Role", "__version__"]

__version__ = "0.1.0"
