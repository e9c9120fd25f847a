"""Database models. Models hold data and thin properties; rules live in domain modules."""

from briefs.models.agency import AgencySettings, User
from briefs.models.api_token import ApiToken
from briefs.models.brief import (
    Answer,
    Brief,
    BriefField,
    BriefSection,
    RecipientLink,
    Review,
    Upload,
)
from briefs.models.client import Client, Contact
from briefs.models.collaboration import Comment, Handover
from briefs.models.event import ChainHead, Event
from briefs.models.outbox import Message, MessageWording
from briefs.models.stored_file import StoredFile
from briefs.models.telegram import TelegramBot, TelegramLink, TelegramMessage
from briefs.models.template import Template, TemplateField, TemplateSection
from briefs.models.webhook import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "AgencySettings",
    "Answer",
    "ApiToken",
    "Brief",
    "BriefField",
    "BriefSection",
    "Client",
    "Comment",
    "Contact",
    "ChainHead",
    "Event",
    "Handover",
    "Message",
    "MessageWording",
    "RecipientLink",
    "Review",
    "StoredFile",
    "TelegramBot",
    "TelegramLink",
    "TelegramMessage",
    "Template",
    "TemplateField",
    "TemplateSection",
    "Upload",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "User",
]
