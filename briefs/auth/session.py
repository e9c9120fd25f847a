"""Who is signed in, and the language and time zone each request is shown in."""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import lazy_gettext
from flask_login import current_user

from briefs.extensions import babel, db, login_manager
from briefs.models import AgencySettings, User

LANGUAGES = ("en", "ru")


def select_locale() -> str:
    """Pick the UI language: a page's own choice, the user's setting, then the browser's."""
    forced = getattr(g, "locale", None)
    if forced in LANGUAGES:
        return forced
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    best = request.accept_languages.best_match(LANGUAGES)
    if best:
        return best
    settings = db.session.get(AgencySettings, 1)
    return settings.default_locale if settings else "en"


def select_timezone() -> str:
    """Show agency pages in the agency's time zone; a page may force another one."""
    forced = getattr(g, "timezone", None)
    if forced:
        return forced
    settings = db.session.get(AgencySettings, 1)
    return settings.timezone if settings else "UTC"


def load_user(user_id: str) -> User | None:
    """Return the user a session or remember-me cookie names ("id:version", see User.get_id).

    Nobody, if they were deactivated, or if the cookie was issued before they last signed
    out or changed their password (the version moved on since).
    """
    id_, _, version = user_id.partition(":")
    if not (id_.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(id_))
    if user is None or not user.active or user.session_version != int(version):
        return None
    # Kept for a page shown when the database fails later in the request (briefs.errors):
    # a failed flush expires the user, and reading it again would need the database.
    g.user_locale = user.locale
    return user


def init_app(app: Flask) -> None:
    """Wire sign-in, the language and the time zone of each request to the app."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
