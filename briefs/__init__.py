"""Briefs: get the facts a job needs out of the client, on time."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the Briefs application."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("BRIEFS_INSTANCE_PATH", str(ROOT / "instance")),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from briefs import config

    config.load(app, test_config)
    if proxies := app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Trust X-Forwarded-For/-Proto/-Host only from that many proxies, for the real
        # client address (rate limits) and https links.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    from briefs import extensions, url_ids

    url_ids.init_app(app)  # before any route: huge ids answer 404
    extensions.init_app(app)

    from briefs import (
        brief_summaries,
        cli,
        compression,
        errors,
        formatting,
        health,
        observability,
        page_versions,
        security_headers,
    )

    errors.init_app(app)
    security_headers.init_app(app)
    compression.init_app(app)
    formatting.init_app(app)
    cli.init_app(app)
    observability.init_app(app)
    # Every commit stores the summaries of the briefs it changed (the dashboard reads them).
    brief_summaries.watch(extensions.db.session)
    # Every change to what a client's form shows raises its brief's page version.
    page_versions.watch(extensions.db.session)

    from briefs.api.blueprint import bp as api_bp
    from briefs.auth import session
    from briefs.auth.routes import bp as auth_bp
    from briefs.brief_templates.routes import bp as templates_bp
    from briefs.briefs_admin.blueprint import bp as briefs_bp
    from briefs.client_form.routes import bp as client_form_bp
    from briefs.clients.routes import bp as clients_bp
    from briefs.dashboard.routes import bp as dashboard_bp
    from briefs.exports.routes import bp as exports_bp
    from briefs.outbox_admin.routes import bp as outbox_bp
    from briefs.settings import telegram as _settings_telegram  # noqa: F401 (its routes)
    from briefs.settings import webhooks as _settings_webhooks  # noqa: F401 (its routes)
    from briefs.settings.routes import bp as settings_bp
    from briefs.status_page.routes import bp as status_bp
    from briefs.timeline.routes import bp as timeline_bp

    session.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(templates_bp)
    app.register_blueprint(clients_bp)
    app.register_blueprint(briefs_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(client_form_bp)
    app.register_blueprint(outbox_bp)
    app.register_blueprint(settings_bp)
    app.register_blueprint(timeline_bp)
    app.register_blueprint(status_bp)
    app.register_blueprint(api_bp)
    return app
