"""The clock: one place reads it, and every module reads it through that place."""

from __future__ import annotations

import re
from datetime import UTC
from pathlib import Path

from briefs import clock
from tests.factories import NOW

PACKAGE = Path(__file__).parent.parent / "briefs"
#: Ways of reading the time that a patch of briefs.clock.utcnow cannot reach.
AROUND_THE_CLOCK = re.compile(
    r"from briefs\.clock import|datetime\.now\(|datetime\.utcnow\(|\btime\.time\("
)


def test_utcnow_is_aware_utc():
    assert clock.utcnow().tzinfo is UTC


def test_the_app_reads_the_clock_only_through_the_module():
    # `from briefs.clock import utcnow` copies the function, so the tests' frozen clock
    # (which patches briefs.clock.utcnow) would not reach that module.
    offenders = []
    checked = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "clock.py":
            continue
        checked += 1
        text = path.read_text(encoding="utf-8")
        if re.search(
            r"from briefs\.clock import|datetime\.now\(|datetime\.utcnow\(|\btime\.time\(", text
        ):
            offenders.append(str(path.relative_to(PACKAGE)))
    assert checked > 50
    assert offenders == []


def test_frozen_clock_can_be_moved(frozen_clock):
    assert clock.utcnow() == NOW
    frozen_clock(NOW.replace(year=2027))
    assert clock.utcnow().year == 2027
