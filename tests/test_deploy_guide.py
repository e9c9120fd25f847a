"""docs/deploy.md followed step by step in a fresh clone, by deploy/check_guide.py, against
a real PostgreSQL and Redis: every command of the guide runs or is skipped for a stated
reason, and a command the script does not know fails the check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
import check_guide  # noqa: E402  (a script in deploy/, not a package)

GUIDE = """# Deploy

## A. On the machine

```sh
apt-get update
cd /opt/briefs
cat > /etc/briefs/env <<EOF2
A=1   # not a comment: inside the here-document
EOF2
curl -s http://127.0.0.1:8000/healthz        # {"status":"ok"}
# a comment line
```

Prose `with code` is not a step.

## B. With Docker Compose

```sh
docker compose up -d --build
```
"""


def test_the_steps_are_read_from_the_guides_sh_blocks():
    steps = check_guide.guide_steps(GUIDE)
    assert [command.splitlines()[0] for _, command, _ in steps] == [
        "apt-get update",
        "cd /opt/briefs",
        "cat > /etc/briefs/env <<EOF2",
        "curl -s http://127.0.0.1:8000/healthz",
        "docker compose up -d --build",
    ]
    assert steps[2][1].splitlines()[1:] == [
        "A=1   # not a comment: inside the here-document",
        "EOF2",
    ]
    assert steps[3][2] == '{"status":"ok"}'  # what the guide says it prints
    assert steps[4][0] == "B. With Docker Compose"


def test_a_step_the_check_does_not_know_fails_it(tmp_path):
    check = check_guide.Check(tmp_path, 5432, "redis://127.0.0.1:6379/0")
    assert check.step("A. On the machine", "apt-get install -y nginx", "").startswith("skipped")
    with pytest.raises(check_guide.StepFailed, match="does not know"):
        check.step("A. On the machine", "rm -rf /opt/briefs", "")
    assert check.moved("ln -s /opt/briefs/deploy/briefs-flask /usr/local/bin/briefs") == (
        f"ln -s {tmp_path}/opt/briefs/deploy/briefs-flask {tmp_path}/bin/briefs"
    )


@pytest.mark.stress
def test_the_deploy_guide_holds_step_by_step_in_a_fresh_clone(postgres_url, redis_url, tmp_path):
    port = urlsplit(postgres_url).port
    done = subprocess.run(
        [
            sys.executable,
            ROOT / "deploy/check_guide.py",
            "--workdir",
            tmp_path,
            "--postgres-port",
            str(port),
            "--redis-url",
            redis_url,
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    print(done.stdout, done.stderr)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    out = done.stdout
    # The steps the issue names, each done for real:
    assert "git clone https://github.com/your-agency/briefs /opt/briefs\n    ran, cloning" in out
    assert "briefs db upgrade\n    ran\n" in out  # and before each start of briefs.service
    assert out.count("briefs.service: serving") == 3  # enabled, started after restore, restarted
    assert 'curl -s http://127.0.0.1:8000/healthz\n    ran, printed {"status":"ok"}' in out
    assert "briefs-send-due.timer: its service ran once" in out
    assert "briefs-backup.timer: its service ran once" in out
    assert "briefs restore" in out and "briefs verify-log" in out
    assert "/metrics counts" in out
    assert "nginx -t accepts deploy/nginx.conf" in out
    assert "reload replaced by `caddy validate`" in out
    assert "FAILED" not in out and "The guide's" in out
    backups = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert "now.tar.gz" in backups and len(backups) == 2  # by hand, and the nightly unit's
