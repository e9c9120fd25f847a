"""Routes of the auth blueprint: setup, sign-in, the team and one's own account."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash

from briefs import clock
from briefs.accounts import agency_settings, create_user, email_taken, has_users, hash_password
from briefs.auth.forms import AccountForm, LoginForm, SetupForm, TeammateForm, timezone_choices
from briefs.extensions import db, limiter
from briefs.models import User

bp = Blueprint("auth", __name__)


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
    form = SetupForm()
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
@limiter.limit("10 per minute", methods=["POST"])
def login():
    """Sign an agency user in."""
    if not has_users():
        return redirect(url_for("auth.setup"))
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        if user and user.active and check_password_hash(user.password_hash, form.password.data):
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out."""
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
    user.active = not user.active
    db.session.commit()
    return redirect(url_for("auth.team"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """Edit one's own name, language and password."""
    form = AccountForm(obj=current_user)
    if request.method == "GET":
        form.locale.data = current_user.locale or ""
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.locale = form.locale.data or None
        if form.new_password.data:
            current_user.password_hash = hash_password(form.new_password.data)
        db.session.commit()
        flash(_("Your account is saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)
