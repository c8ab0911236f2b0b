"""The moderation names other apps use, in one place. The code lives by concept:

- verdicts.py: `moderation_check` (text), `moderation_check_image`,
  `moderation_check_script`, and the `ModerationResult` they return;
- commands.py: live director commands, the verdict log and escalation;
- world_content.py: verdicts on a world's own text and images;
- rate_limits.py, sanctions.py, hidden_items.py;
- reports.py, actions.py (moderator actions), audit_log.py, notifications.py, appeals.py.
"""

from moderation.commands import moderation_command
from moderation.hidden_items import clip_is_hidden, hidden_clip_slugs
from moderation.rate_limits import rate_limit_command, rate_limit_world_create
from moderation.sanctions import user_is_suspended
from moderation.verdicts import (
    ModerationResult,
    moderation_check,
    moderation_check_image,
    moderation_check_script,
    moderation_message,
)
from moderation.world_content import moderation_record_content

__all__ = [
    "ModerationResult",
    "clip_is_hidden",
    "hidden_clip_slugs",
    "moderation_check",
    "moderation_check_image",
    "moderation_check_script",
    "moderation_command",
    "moderation_message",
    "moderation_record_content",
    "rate_limit_command",
    "rate_limit_world_create",
    "user_is_suspended",
]
