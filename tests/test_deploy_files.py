"""The deploy files: what can be checked here without Docker, nginx or Caddy.

Docker does not run on this machine: the image's entry point script is run directly, the
compose file is parsed and its services checked, the systemd units go through
`systemd-analyze verify`, and the proxies' limits are held to the app's.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def entrypoint(tmp_path: Path, *command: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}:{os.environ['PATH']}",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'briefs.sqlite'}",
        "BRIEFS_INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test",
    }
    return subprocess.run(
        ["/bin/sh", ROOT / "deploy/docker-entrypoint.sh", *command],
        cwd=tmp_path,  # the script finds the app itself, as from the image's WORKDIR
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_entrypoint_migrates_before_the_web_server_then_runs_it(tmp_path):
    done = entrypoint(tmp_path, "gunicorn", "--version")
    assert done.returncode == 0, done.stderr
    assert "Applying database migrations" in done.stdout
    assert "gunicorn" in done.stdout + done.stderr  # exec'd with its arguments
    with sqlite3.connect(tmp_path / "briefs.sqlite") as db:
        head = db.execute("SELECT version_num FROM alembic_version").fetchone()
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert head and {"brief", "message", "event", "upload"} <= tables


def test_the_entrypoint_runs_other_commands_without_migrating(tmp_path):
    done = entrypoint(tmp_path, "echo", "send-due here")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "send-due here\n"
    assert not (tmp_path / "briefs.sqlite").exists()


def test_the_compose_file_has_app_timer_database_and_redis():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"app", "send-due", "db", "redis"}
    app, timer = services["app"], services["send-due"]
    assert app["build"] == timer["build"] == "."
    assert app["ports"] == ["127.0.0.1:8000:8000"]
    assert "flask --app app send-due" in timer["command"][0]
    for service in (app, timer):
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://briefs:")
        assert "@db:5432/briefs" in env["DATABASE_URL"]
        assert env["RATELIMIT_STORAGE_URI"] == "redis://redis:6379/0"
        assert env["PROXY_COUNT"] == "1"
        assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")  # never a default secret
        assert service["depends_on"]["db"] == {"condition": "service_healthy"}
        assert service["volumes"] == ["instance:/app/instance"]
    # The app image's pg_dump (for `flask backup`) is the database's major version.
    client = re.search(r"postgresql-client-(\d+)", (ROOT / "Dockerfile").read_text()).group(1)
    assert services["db"]["image"].startswith(f"postgres:{client}.")


def test_the_image_is_pinned_and_runs_as_a_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    bases = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    assert bases and all(re.fullmatch(r"python:\d+\.\d+\.\d+-slim-\w+", b) for b in bases)
    assert re.search(r"^USER briefs$", dockerfile, re.M)
    assert 'ENTRYPOINT ["/app/deploy/docker-entrypoint.sh"]' in dockerfile
    assert os.access(ROOT / "deploy/docker-entrypoint.sh", os.X_OK)


def test_the_systemd_units_verify(tmp_path):
    # Installed at /opt/briefs as user briefs; here: this checkout, its venv, this user.
    env_file = tmp_path / "env"
    env_file.write_text("SECRET_KEY=test\n")
    venv = VENV_BIN.parent
    user = "root" if os.geteuid() == 0 else os.environ.get("USER", "nobody")
    units = []
    for unit in sorted((ROOT / "deploy/systemd").iterdir()):
        text = (
            unit.read_text()
            .replace("/opt/briefs/.venv", str(venv))
            .replace("/opt/briefs", str(ROOT))
            .replace("/etc/briefs/env", str(env_file))
            .replace("=briefs\n", f"={user}\n")
        )
        (tmp_path / unit.name).write_text(text)
        units.append(str(tmp_path / unit.name))
    assert {Path(u).name for u in units} >= {
        "briefs.service",
        "briefs-send-due.service",
        "briefs-send-due.timer",
    }
    done = subprocess.run(
        [shutil.which("systemd-analyze"), "verify", *units], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_the_proxies_take_the_uploads_the_app_takes_and_hide_metrics(app):
    nginx = (ROOT / "deploy/nginx.conf").read_text()
    caddy = (ROOT / "deploy/Caddyfile").read_text()
    megabytes = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    assert f"client_max_body_size {megabytes}m;" in nginx and f"max_size {megabytes}MB" in caddy
    for text in (nginx, caddy):
        assert "Strict-Transport-Security" in text
        assert "127.0.0.1:8000" in text  # gunicorn's default bind
    assert "location = /metrics { return 404; }" in nginx
    assert "respond /metrics 404" in caddy
    assert "gzip on;" in nginx and "encode zstd gzip" in caddy


def test_the_briefs_command_runs_flask_with_the_settings_file(tmp_path):
    home = tmp_path / "opt-briefs"
    home.mkdir()
    for name in ("app.py", "briefs", "migrations", "templates", "static"):
        (home / name).symlink_to(ROOT / name)
    (home / ".venv").symlink_to(VENV_BIN.parent)
    settings = tmp_path / "env"
    settings.write_text(f"SECRET_KEY=s3cret\nDATABASE_URL=sqlite:///{tmp_path / 'b.sqlite'}\n")
    env = {
        "PATH": os.environ["PATH"],
        "BRIEFS_HOME": str(home),
        "BRIEFS_ENV": str(settings),
        "BRIEFS_USER": subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip(),
    }

    def briefs(*args: str) -> subprocess.CompletedProcess:
        command = [ROOT / "deploy/briefs-flask", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    assert briefs("db", "upgrade").returncode == 0
    done = briefs("verify-log")
    assert (done.returncode, done.stdout) == (0, "The log holds: 0 events, head (empty)\n")
    assert (home / "instance").is_dir()  # the instance folder beside the checkout
