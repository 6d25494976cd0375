"""The short switch interval while the model runs beside the analysers: lowered, then put back."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from servicecoach.analysis.handoff import INTERVAL, quick_handoff


@pytest.fixture(autouse=True)
def default_interval() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    yield
    sys.setswitchinterval(before)


def test_the_interval_is_short_inside_and_put_back_after() -> None:
    with quick_handoff():
        assert sys.getswitchinterval() == pytest.approx(INTERVAL)
    assert sys.getswitchinterval() == pytest.approx(0.005)


def test_it_is_put_back_when_the_last_of_several_callers_leaves() -> None:
    outer = quick_handoff()
    outer.__enter__()
    with quick_handoff():
        pass
    assert sys.getswitchinterval() == pytest.approx(INTERVAL)  # the outer caller is inside
    outer.__exit__(None, None, None)
    assert sys.getswitchinterval() == pytest.approx(0.005)


def test_a_change_made_meanwhile_is_left_alone() -> None:
    with quick_handoff():
        sys.setswitchinterval(0.002)
    assert sys.getswitchinterval() == pytest.approx(0.002)


def test_a_shorter_interval_already_set_is_kept() -> None:
    sys.setswitchinterval(INTERVAL / 2)
    with quick_handoff():
        assert sys.getswitchinterval() == pytest.approx(INTERVAL / 2)
    assert sys.getswitchinterval() == pytest.approx(INTERVAL / 2)


def test_an_error_inside_still_puts_it_back() -> None:
    with pytest.raises(RuntimeError), quick_handoff():
        raise RuntimeError("analyser failed")
    assert sys.getswitchinterval() == pytest.approx(0.005)
