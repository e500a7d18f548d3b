"""The bot's dialogs."""

from .user_profile_dialog import PROFILE_PROPERTY, UserProfileDialog

__all__ = ["PROFILE_PROPERTY", "UserProfileDialog"]
