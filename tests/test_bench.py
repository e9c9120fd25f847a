"""`make bench` keeps running for whoever re-runs it: every in-process row of a small run
prints its figures and its goal (the timings themselves are the bench's, never a test's)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.stress


def test_a_quick_bench_prints_every_row_with_its_ratio_and_goal():
    rows = ["page", "autosave", "dashboard", "clients", "weight", "send-due"]
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--pairs", "3", "--only", *rows],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    ratios = re.findall(r"ratio [\d.]+× \(min\), [\d.]+× \(median\); goal ", done.stdout)
    # Page, two autosave rows, dashboard, clients, two send-due rows.
    assert len(ratios) == 7, done.stdout
    assert "served / 100 KB" in done.stdout
    assert re.search(r"\((\d+) vs \1 queries", done.stdout), done.stdout  # the dashboard
    # send-due does the same work beside 2,000 idle briefs as beside 100: the same queries
    # and the same mails (a run once compared 1 mail with 11: the big database's due
    # briefs were copied from a brief the autosave row had answered).
    send_due = re.findall(r"\((\d+) vs (\d+) queries; (\d+) vs (\d+) mails", done.stdout)
    assert len(send_due) == 2, done.stdout
    for big_queries, small_queries, big_mails, small_mails in send_due:
        assert big_queries == small_queries and big_mails == small_mails != "0", send_due
