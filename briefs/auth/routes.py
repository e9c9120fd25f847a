"""Routes of the auth blueprint: setup, sign-in, the team and one's own account."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from briefs import clock
from briefs.accounts import (
    agency_settings,
    authenticate,
    change_password,
    create_user,
    email_taken,
    end_sessions,
    has_users,
    password_matches,
)
from briefs.api_tokens import create_token, revoke, user_tokens
from briefs.auth.forms import (
    AccountForm,
    ApiTokenForm,
    LoginForm,
    RevokeTokenForm,
    SetupForm,
    SignOutElsewhereForm,
    TeammateForm,
    TelegramActionForm,
    TelegramChannelForm,
    timezone_choices,
)
from briefs.confirmation import ask, confirmed
from briefs.extensions import db, limiter
from briefs.models import ApiToken, User
from briefs.telegram import linking as telegram

bp = Blueprint("auth", __name__)

#: Tries at one account, from anywhere: many addresses cannot hammer one password.
ACCOUNT_LOGIN_LIMIT = "10 per minute; 50 per hour"
#: Tries from one address, at any accounts: loose, because an office or a proxy puts many
#: people behind one address and one of them mistyping must not lock the others out.
ADDRESS_LOGIN_LIMIT = "30 per minute"


def _typed_account() -> str:
    """Key the login limit by the e-mail typed, hashed (it may be long, or not an account)."""
    email = request.form.get("email", "").strip().lower()
    return "login:" + hashlib.sha256(email.encode("utf-8")).hexdigest()


def _safe_next(target: str | None) -> str:
    """Follow ?next= only to a path on this site."""
    if target and target.startswith("/") and not urlsplit(target).netloc:
        return target
    return url_for("dashboard.index")


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """Create the owner account; gone once anyone can sign in."""
    if has_users():
        abort(404)
    # The language the page is shown in (the browser's) is the one offered first.
    form = SetupForm(default_locale=str(get_locale()))
    form.timezone.choices = timezone_choices()
    if form.validate_on_submit():
        settings = agency_settings()
        settings.name = form.agency_name.data.strip()
        settings.timezone = form.timezone.data
        settings.default_locale = form.default_locale.data
        user = create_user(
            email=form.email.data,
            name=form.name.data,
            password=form.password.data,
            now=clock.utcnow(),
            is_owner=True,
        )
        user.locale = form.default_locale.data
        db.session.commit()
        login_user(user)
        flash(_("Welcome! Your agency is ready."), "success")
        return redirect(url_for("dashboard.index"))
    return render_template("auth/setup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(ADDRESS_LOGIN_LIMIT, methods=["POST"])
@limiter.limit(ACCOUNT_LOGIN_LIMIT, methods=["POST"], key_func=_typed_account)
def login():
    """Sign an agency user in."""
    if not has_users():
        return redirect(url_for("auth.setup"))
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out, here and wherever a copy of this session's cookies is kept."""
    if current_user.is_authenticated:
        end_sessions(current_user)
        db.session.commit()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/team", methods=["GET", "POST"])
@login_required
def team():
    """List teammates; the owner adds new ones."""
    form = TeammateForm()
    if form.validate_on_submit():
        if not current_user.is_owner:
            abort(403)
        if email_taken(form.email.data):
            form.email.errors.append(_("Someone on the team already uses this e-mail."))
        else:
            create_user(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                now=clock.utcnow(),
            )
            db.session.commit()
            flash(_("%(name)s can now sign in.", name=form.name.data.strip()), "success")
            return redirect(url_for("auth.team"))
    users = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("auth/team.html", form=form, users=users)


@bp.post("/team/<int:user_id>/active")
@login_required
def toggle_active(user_id: int):
    """Deactivate or reactivate a teammate (owner only; never oneself)."""
    if not current_user.is_owner:
        abort(403)
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        abort(400)
    if user.active and not confirmed():
        return ask(
            _("Deactivate %(name)s?", name=user.name),
            detail=_("They are signed out and cannot sign in until you reactivate them."),
            button=_("Deactivate"),
            back=url_for("auth.team"),
        )
    user.active = not user.active
    db.session.commit()
    return redirect(url_for("auth.team"))


def _stay_signed_in_here() -> None:
    """Sign this browser in again under the user's new session version."""
    # A remember-me cookie this browser holds would now name nobody: issue a fresh one.
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login_user(current_user._get_current_object(), remember=remembered in request.cookies)


def _signed_in_user() -> str:
    """Key a limit by who is signed in (the address, for nobody)."""
    return "user:" + (current_user.get_id() or request.remote_addr or "")


def _account_page(
    form: AccountForm,
    token_form: ApiTokenForm | None = None,
    new_secret: str | None = None,
    telegram_code: str | None = None,
):
    token_form = token_form or ApiTokenForm(formdata=None)
    status = 422 if form.errors or token_form.errors else 200
    panel = telegram.panel(current_user)
    channel_form = TelegramChannelForm(formdata=None)
    channel_form.channel.data = panel.link.channel if panel.link else "email"
    return render_template(
        "auth/account.html",
        form=form,
        elsewhere=SignOutElsewhereForm(),
        token_form=token_form,
        revoke_form=RevokeTokenForm(),
        tokens=user_tokens(current_user),
        new_secret=new_secret,
        telegram=panel,
        telegram_code=telegram_code,
        telegram_action=TelegramActionForm(),
        channel_form=channel_form,
    ), status


def _fresh_account_form() -> AccountForm:
    form = AccountForm(formdata=None, obj=current_user)
    form.locale.data = current_user.locale or ""
    return form


@bp.route("/account", methods=["GET", "POST"])
# Guessing the current password from a borrowed session is as slow as guessing at sign-in.
@limiter.limit(ACCOUNT_LOGIN_LIMIT, methods=["POST"], key_func=_signed_in_user)
@login_required
def account():
    """Edit one's own name, language and password (the current one is asked for)."""
    form = AccountForm(obj=current_user)
    if request.method == "GET":
        form.locale.data = current_user.locale or ""
    if form.validate_on_submit():
        if form.new_password.data and not password_matches(
            current_user, form.current_password.data or ""
        ):
            form.current_password.errors.append(
                _("This is not your current password. Please type it again.")
            )
            return _account_page(form)
        current_user.name = form.name.data.strip()
        current_user.locale = form.locale.data or None
        if form.new_password.data:
            change_password(current_user, form.new_password.data)
        db.session.commit()
        if form.new_password.data:
            _stay_signed_in_here()
            flash(_("Your new password is saved. Other devices are signed out."), "success")
        else:
            flash(_("Your account is saved."), "success")
        return redirect(url_for("auth.account"))
    return _account_page(form)


@bp.post("/account/sign-out-elsewhere")
@login_required
def sign_out_elsewhere():
    """End every other session of the user (a lost phone, a shared computer); keep this one."""
    if SignOutElsewhereForm().validate_on_submit():
        end_sessions(current_user)
        db.session.commit()
        _stay_signed_in_here()
        flash(_("You are signed out on every other device."), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/tokens")
@login_required
def create_api_token():
    """Make a personal API token and show it this once; only its hash is kept."""
    token_form = ApiTokenForm()
    account_form = _fresh_account_form()
    if not token_form.validate_on_submit():
        return _account_page(account_form, token_form)
    _token, secret = create_token(
        current_user, token_form.name.data.strip(), token_form.scope.data, clock.utcnow()
    )
    db.session.commit()
    # Rendered, not redirected: the secret must never sit in a flash cookie.
    return _account_page(account_form, ApiTokenForm(formdata=None), new_secret=secret)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int):
    """Revoke one of one's own tokens; it stops working at once."""
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    if RevokeTokenForm().validate_on_submit() and revoke(token, clock.utcnow()):
        db.session.commit()
        flash(_("The token “%(name)s” is revoked.", name=token.name), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/telegram/code")
@login_required
def telegram_code():
    """Show a one-time code to send to the agency's bot; only its hash is kept."""
    if not TelegramActionForm().validate_on_submit() or telegram.current_bot() is None:
        return redirect(url_for("auth.account"))
    code = telegram.new_code(current_user, clock.utcnow())
    db.session.commit()
    # Rendered, not redirected: the code must never sit in a flash cookie.
    return _account_page(_fresh_account_form(), telegram_code=code)


@bp.post("/account/telegram/channel")
@login_required
def telegram_channel():
    """Choose where one's agency alerts go: e-mail, Telegram or both."""
    form = TelegramChannelForm()
    if form.validate_on_submit():
        telegram.choose_channel(current_user, form.channel.data)
        db.session.commit()
        flash(_("Your choice for alerts is saved."), "success")
    return redirect(url_for("auth.account", _anchor="telegram"))


@bp.post("/account/telegram/unlink")
@login_required
def telegram_unlink():
    """Forget one's Telegram chat; alerts go by e-mail again."""
    if TelegramActionForm().validate_on_submit() and telegram.unlink(current_user):
        db.session.commit()
        flash(_("Telegram is unlinked. Your alerts go by e-mail."), "success")
    return redirect(url_for("auth.account", _anchor="telegram"))
