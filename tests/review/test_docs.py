"""docs/review.md and docs/web.md keep up with the code: every sampling strategy, every
review route, every screenshot they show."""

from __future__ import annotations

import re

import pytest

from servicecoach.review.sampling import Strategy
from tests.conftest import REPO

REVIEW = (REPO / "docs" / "review.md").read_text(encoding="utf-8")
WEB = (REPO / "docs" / "web.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("strategy", list(Strategy))
def test_docs_review_describes_every_sampling_strategy(strategy: Strategy) -> None:
    assert strategy.label.split(" (")[0].split(":")[0] in REVIEW


def test_docs_every_review_route_is_documented() -> None:
    from servicecoach.web import api, pages

    modules = ("reviews", "calibration", "disputes", "review_agreement", "review_queue")
    routers = [getattr(package, m).router for package in (api, pages) for m in modules]
    paths = {route.path for router in routers for route in router.routes}  # type: ignore[attr-defined]
    assert len(paths) >= 20
    documented = re.sub(r"\{[a-z_]+\}", "{id}", WEB)
    for path in paths:
        assert re.sub(r"\{[a-z_]+\}", "{id}", path) in documented, path


def test_docs_screenshots_exist() -> None:
    for text in (REVIEW, WEB):
        for name in re.findall(r"\(screenshots/([a-z-]+\.png)\)", text):
            assert (REPO / "docs" / "screenshots" / name).is_file(), name
