"""The conversation model shared by importers, analysers, the store and every interface."""

from __future__ import annotations

from servicecoach.model.conversation import (
    Channel,
    Conversation,
    Customer,
    Message,
    Participant,
    Role,
)
from servicecoach.model.native import conversation_from_dict, conversation_to_dict

__all__ = [
    "Channel",
    "Conversation",
    "Customer",
    "Message",
    "Participant",
    "Role",
    "conversation_from_dict",
    "conversation_to_dict",
]
