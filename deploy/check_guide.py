"""Follow docs/deploy.md step by step in a fresh clone, and fail on any step that fails.

    python3 deploy/check_guide.py --workdir DIR --postgres-port PORT --redis-url URL

(`make check-guide` starts a throwaway PostgreSQL and Redis and runs this through
tests/test_deploy_guide.py.) The commands are read from the guide's ```sh blocks, so the
guide and this check cannot drift: every command is run as written, with the guide's
system paths moved under DIR (/opt/briefs, /etc/briefs, /var/backups/briefs, ...), or
skipped for a reason printed beside it. A command this script does not know fails the
check, so a new step in the guide has to be taught here first.

What is run for real: the clone, the virtualenv and `pip install` from the package index,
the catalogs, the PostgreSQL user and database, the settings file, the `briefs` command
(deploy/briefs-flask), `flask db upgrade` (three times: by hand, and before each start),
the systemd units' own Exec lines (gunicorn with deploy/gunicorn.conf.py, one send-due
run, one nightly backup), /healthz, /metrics, backup, restore, verify-log, the upgrade
(git pull, pip install, restart); `caddy validate` on the Caddyfile and `nginx -t` on the
nginx example with a self-signed certificate, when they are installed.

What cannot be run here, and is skipped: apt-get, useradd, chown (no `briefs` user; the
commands run as the current user), systemd itself (no systemd: the units' Exec lines are
run instead; their syntax is checked by `systemd-analyze verify` in
tests/test_deploy_files.py), real certificates, DNS and SMTP, and Docker (section B;
compose.yaml is parsed in tests/test_deploy_files.py).
"""

from __future__ import annotations

import argparse
import datetime
import getpass
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "deploy.md"
#: The guide's system paths, and where they live under the work folder.
PLACES = {
    "/opt/briefs": "opt/briefs",
    "/etc/briefs": "etc/briefs",
    "/var/backups/briefs": "backups",
    "/usr/local/bin": "bin",
    "/etc/systemd/system": "systemd",
    "/etc/caddy": "caddy",
}
SKIPPED = [
    (r"apt-get ", "system packages: `make check-guide` installs those this check needs"),
    (r"useradd ", "no system user here: the commands run as the current user"),
    (r"chown ", "no `briefs` user here"),
    (r"systemctl daemon-reload", "no systemd here: the units' Exec lines are run directly"),
    (r"docker ", "Docker does not run here; compose.yaml is checked by test_deploy_files.py"),
]
#: First words of the commands that are run as written (paths moved).
RUN_AS_WRITTEN = {"python3", ".venv/bin/pip", ".venv/bin/pybabel", "mkdir", "cat", "chmod"}
RUN_AS_WRITTEN |= {"ln", "cp", "git", "briefs"}


class StepFailed(Exception):
    pass


def guide_steps(text: str) -> list[tuple[str, str, str]]:
    """(section, command, trailing comment) for each command of the guide's sh blocks."""
    steps, section, block = [], "", None
    lines = iter(text.splitlines())
    for line in lines:
        if line.startswith("## "):
            section = line[3:].strip()
        elif line.strip() == "```sh":
            block = []
        elif line.strip() == "```" and block is not None:
            steps += [(section, command, comment) for command, comment in block]
            block = None
        elif block is not None and line.strip() and not line.lstrip().startswith("#"):
            found = re.match(r"(.*?)\s{2,}#\s*(.*)$", line)
            command, comment = (found.group(1), found.group(2)) if found else (line, "")
            heredoc = re.search(r"<<(\w+)$", command.strip())
            if heredoc:  # the lines up to the end marker belong to this command
                body = []
                for more in lines:
                    body.append(more)
                    if more.strip() == heredoc.group(1):
                        break
                command = "\n".join([command, *body])
            block.append((command.strip(), comment))
    return steps


class Check:
    def __init__(self, workdir: Path, postgres_port: int, redis_url: str) -> None:
        self.work = workdir.resolve()
        self.postgres_port = postgres_port
        self.redis_url = redis_url
        self.port = free_port()
        self.cwd = self.work
        self.server: subprocess.Popen | None = None
        self.home = self.place("/opt/briefs")
        self.env_file = self.place("/etc/briefs") / "env"
        pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        self.env = {
            "PATH": os.pathsep.join(
                [str(self.place("/usr/local/bin")), *map(str, pg_bin[-1:]), os.environ["PATH"]]
            ),
            "HOME": str(self.work),
            "LANG": "C.UTF-8",
            # deploy/briefs-flask's own settings: where the app and its settings are.
            "BRIEFS_HOME": str(self.home),
            "BRIEFS_ENV": str(self.env_file),
            "BRIEFS_USER": getpass.getuser(),
            # `runuser -u postgres -- psql` on a VPS: the throwaway server here.
            "PGHOST": "127.0.0.1",
            "PGPORT": str(postgres_port),
            "PGUSER": "postgres",
        }
        for folder in PLACES.values():
            (self.work / folder).mkdir(parents=True, exist_ok=True)
        self.home.rmdir()  # git clone makes it

    def place(self, path: str) -> Path:
        return Path(self.moved(path))

    def moved(self, text: str) -> str:
        for system, here in PLACES.items():
            text = re.sub(rf"{re.escape(system)}(?=/|\b|$)", str(self.work / here), text)
        return text

    # -- running ---------------------------------------------------------------------------

    def shell(self, command: str, *, stdin: str = "", cwd: Path | None = None) -> str:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", command],
            cwd=cwd or self.cwd,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if done.returncode != 0:
            raise StepFailed(f"exit {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def step(self, section: str, command: str, comment: str) -> str:
        """Do one command of the guide; return what was done, for the log."""
        for pattern, reason in SKIPPED:
            if re.match(pattern, command):
                return f"skipped ({reason})"
        if section.startswith("B."):
            return "skipped (section B needs Docker)"
        if found := re.match(r"git clone \S+ (\S+)$", command):
            self.shell(f"git clone --quiet {shlex.quote(str(ROOT))} {self.moved(found.group(1))}")
            return "ran, cloning this repository's committed HEAD"
        if found := re.match(r"cd (\S+)$", command):
            self.cwd = self.place(found.group(1))
            return "ran"
        if found := re.match(r"runuser -u postgres -- (.*)$", command, re.S):
            self.shell(found.group(1))
            return "ran, as the throwaway server's postgres user"
        if found := re.match(r"systemctl (enable --now|start|stop|restart|reload) (.+)$", command):
            return self.systemctl(found.group(1), found.group(2).split())
        if command.startswith("curl "):
            out = self.shell(
                self.moved(command).replace("127.0.0.1:8000", f"127.0.0.1:{self.port}")
            )
            if comment.startswith("{") and out.strip() != comment:
                raise StepFailed(f"printed {out!r}; the guide says {comment!r}")
            return f"ran, printed {out.strip()}"
        if command.split()[0] not in RUN_AS_WRITTEN:
            raise StepFailed("a step this check does not know: teach deploy/check_guide.py")
        stdin = ""
        if command.startswith("briefs restore "):
            # The guide names a dated archive: the one the backup timer's run wrote today.
            command = re.sub(
                r"briefs-\d{4}-\d{2}-\d{2}", f"briefs-{datetime.date.today()}", command
            )
            stdin = "y\n"  # the restore asks first
        out = self.shell(self.moved(command), stdin=stdin)
        if command.startswith("cat > /etc/briefs/env"):
            return "ran; then " + self.point_settings_here()
        return "ran" + (f", printed {out.strip().splitlines()[-1]}" if out.strip() else "")

    def point_settings_here(self) -> str:
        """The settings file as the guide wrote it, with this machine's servers in it."""
        text = self.env_file.read_text()
        text = text.replace("127.0.0.1:5432", f"127.0.0.1:{self.postgres_port}")
        text = re.sub(
            r"^RATELIMIT_STORAGE_URI=.*$",
            f"RATELIMIT_STORAGE_URI={self.redis_url}",
            text,
            flags=re.M,
        )
        text = re.sub(r"^SMTP_URL=.*$", "SMTP_URL=smtp://127.0.0.1:9", text, flags=re.M)
        text += f"BIND=127.0.0.1:{self.port}\nWEB_CONCURRENCY=2\n"
        self.env_file.write_text(text)
        return "PostgreSQL, Redis and the port set to this machine's; SMTP to a closed port"

    # -- systemd, without systemd ----------------------------------------------------------

    def systemctl(self, verb: str, units: list[str]) -> str:
        done = []
        for unit in units:
            name = unit if "." in unit else f"{unit}.service"
            if name == "caddy.service":
                done.append(self.validate_caddy())
            elif name.endswith(".timer"):
                if not (self.place("/etc/systemd/system") / name).exists():
                    raise StepFailed(f"{name} was not copied to /etc/systemd/system")
                if verb != "stop":  # a timer started: its service runs once now
                    self.run_unit(name.replace(".timer", ".service"))
                    done.append(f"{name}: its service ran once")
            elif name == "briefs.service":
                if verb in ("stop", "restart"):
                    self.stop_server()
                if verb in ("enable --now", "start", "restart"):
                    self.run_unit(name)
                done.append(f"{name}: {'stopped' if verb == 'stop' else 'serving'}")
            else:
                raise StepFailed(f"unknown unit {unit}")
        return "; ".join(done)

    def run_unit(self, name: str) -> None:
        """Run a unit's Exec lines as systemd would (but as this user)."""
        unit = (self.place("/etc/systemd/system") / name).read_text()
        keys: dict[str, list[str]] = {}
        for line in unit.splitlines():
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                keys.setdefault(key, []).append(self.moved(value).replace("%%", "%"))
        env = {**self.env, **read_env(Path(keys["EnvironmentFile"][0]))}
        env.update(dict(item.split("=", 1) for item in keys.get("Environment", [])))
        cwd = keys["WorkingDirectory"][0]
        run = {"cwd": cwd, "env": env, "capture_output": True, "text": True, "timeout": 600}
        for line in keys.get("ExecStartPre", []):
            checked(subprocess.run(shlex.split(line), **run), line)
        (start,) = keys["ExecStart"]
        if name != "briefs.service":
            checked(subprocess.run(shlex.split(start), **run), start)
            for line in keys.get("ExecStartPost", []):
                checked(subprocess.run(shlex.split(line), **run), line)
            return
        log = open(self.work / "gunicorn.log", "ab")  # noqa: SIM115 (open while it serves)
        self.server = subprocess.Popen(shlex.split(start), cwd=cwd, env=env, stdout=log, stderr=log)
        # Type=notify: systemctl returns once gunicorn serves.
        deadline = time.monotonic() + 90
        while not self.answers("/healthz"):
            if self.server.poll() is not None or time.monotonic() > deadline:
                raise StepFailed("gunicorn did not start:\n" + self.tail_log())
            time.sleep(0.3)

    def answers(self, path: str) -> bytes | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                return r.read()
        except (OSError, urllib.error.HTTPError):
            return None

    def tail_log(self) -> str:
        return (self.work / "gunicorn.log").read_text(errors="replace")[-3000:]

    def stop_server(self) -> None:
        if self.server and self.server.poll() is None:
            self.server.terminate()
            self.server.wait(timeout=40)
        self.server = None

    # -- the proxies -----------------------------------------------------------------------

    def validate_caddy(self) -> str:
        if not shutil.which("caddy"):
            return "caddy is not installed: Caddyfile not validated"
        config = self.place("/etc/caddy") / "Caddyfile"
        self.shell(f"caddy validate --adapter caddyfile --config {config}")
        return "caddy.service: reload replaced by `caddy validate` on the copied Caddyfile"

    def check_nginx(self) -> str:
        if not shutil.which("nginx"):
            return "nginx is not installed: nginx.conf not checked"
        folder = self.work / "nginx"
        folder.mkdir(exist_ok=True)
        self.shell(
            "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=briefs.example.com "
            f"-keyout {folder}/privkey.pem -out {folder}/fullchain.pem 2>/dev/null"
        )
        site = (self.home / "deploy" / "nginx.conf").read_text()
        site = site.replace("/etc/letsencrypt/live/briefs.example.com", str(folder))
        (folder / "briefs").write_text(site)
        (folder / "nginx.conf").write_text(
            f"pid {folder}/nginx.pid;\nevents {{}}\n"
            f"http {{\n    access_log off;\n    include {folder}/briefs;\n}}\n"
        )
        self.shell(f"nginx -t -q -p {folder} -e {folder}/error.log -c {folder}/nginx.conf")
        return "nginx -t accepts deploy/nginx.conf with a self-signed certificate"

    def check_metrics(self) -> str:
        text = (self.answers("/metrics") or b"").decode()
        found = re.findall(
            r'^briefs_http_requests_total\{.*route="/healthz".*\} (\S+)$', text, re.M
        )
        if not found or sum(map(float, found)) < 1:
            raise StepFailed(f"/metrics counts no /healthz request:\n{text[:2000]}")
        return f"/metrics counts {sum(map(float, found)):g} /healthz requests over the workers"


def read_env(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def checked(done: subprocess.CompletedProcess, line: str) -> None:
    if done.returncode != 0:
        raise StepFailed(f"{line}: exit {done.returncode}\n{done.stdout}\n{done.stderr}")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True, help="an empty folder")
    parser.add_argument("--postgres-port", type=int, required=True)
    parser.add_argument("--redis-url", required=True)
    args = parser.parse_args(argv)
    check = Check(args.workdir, args.postgres_port, args.redis_url)
    steps = guide_steps(GUIDE.read_text())
    try:
        for number, (section, command, comment) in enumerate(steps, 1):
            first = command.splitlines()[0]
            try:
                outcome = check.step(section, command, comment)
            except (StepFailed, subprocess.TimeoutExpired) as failure:
                print(f"FAILED step {number} [{section}]: {first}\n{failure}")
                return 1
            print(f"step {number} [{section}]: {first}\n    {outcome}", flush=True)
        for extra in (check.check_metrics, check.check_nginx):
            try:
                print(f"after the guide: {extra()}", flush=True)
            except StepFailed as failure:
                print(f"FAILED after the guide: {failure}")
                return 1
    finally:
        check.stop_server()
    print(f"The guide's {len(steps)} steps held.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
