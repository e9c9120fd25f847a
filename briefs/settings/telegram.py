"""The settings page for Telegram: the agency's bot, connected by its token, or not."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from briefs import clock
from briefs.extensions import db
from briefs.settings.routes import bp
from briefs.settings.telegram_forms import BotTokenForm
from briefs.settings.webhook_forms import ActionForm
from briefs.telegram import linking
from briefs.telegram.bot_api import BotApiError


def _owner_only() -> None:
    if not current_user.is_owner:
        abort(403)


def _page(form: BotTokenForm, status: int = 200):
    return render_template(
        "settings/telegram.html", form=form, bot=linking.current_bot(), action=ActionForm()
    ), status


@bp.route("/telegram", methods=["GET", "POST"])
@login_required
def telegram():
    """Show the connected bot, or connect one: the token is checked with Telegram first."""
    form = BotTokenForm()
    if not form.validate_on_submit():
        return _page(form, 422 if form.errors else 200)
    _owner_only()
    try:
        me = linking.api_for(form.token.data).get_me()
    except BotApiError as error:
        if error.status is None or error.status >= 500:
            message = _("Telegram did not answer. Please try again in a minute.")
        else:
            message = _("Telegram did not accept this token. Please copy it from @BotFather again.")
        form.token.errors.append(message)
        return _page(form, 422)
    linking.connect(form.token.data, str(me.get("username") or ""), clock.utcnow())
    db.session.commit()
    flash(_("The bot @%(name)s is connected.", name=me.get("username") or ""), "success")
    return redirect(url_for("settings.telegram"))


@bp.post("/telegram/disconnect")
@login_required
def telegram_disconnect():
    """Forget the bot: alerts go by e-mail until one is connected again."""
    _owner_only()
    if ActionForm().validate_on_submit():
        linking.disconnect()
        db.session.commit()
        flash(_("The bot is disconnected. Alerts go by e-mail."), "success")
    return redirect(url_for("settings.telegram"))
