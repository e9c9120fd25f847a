"""Telegram: the agency's bot, teammates' links, and alerts sent to their chats."""
