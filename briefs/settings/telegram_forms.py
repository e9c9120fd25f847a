"""The form that connects the agency's Telegram bot: its token from @BotFather."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Regexp

from briefs.telegram.bot_api import TOKEN_SHAPE


class BotTokenForm(FlaskForm):
    token = PasswordField(
        _l("Bot token"),
        validators=[
            DataRequired(message=_l("Please paste the token @BotFather gave you.")),
            Regexp(
                TOKEN_SHAPE,
                message=_l(
                    "This does not look like a bot token. It has digits, a colon and "
                    "letters, like 123456789:AAE…; please copy it from @BotFather again."
                ),
            ),
        ],
        filters=[lambda value: value.strip() if value else value],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
