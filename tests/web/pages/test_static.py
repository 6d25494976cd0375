"""The stylesheet and script: served from the package, narrow screens handled."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_stylesheet_has_a_narrow_layout(app_client: TestClient) -> None:
    css = app_client.get("/static/app.css")
    assert css.status_code == 200
    assert "@media (max-width: 700px)" in css.text
    narrow = css.text[css.text.index("@media (max-width: 700px)") :]
    assert ".two { grid-template-columns: 1fr; }" in narrow
    assert ".scroll { overflow-x: auto; }" in css.text  # wide tables scroll, pages do not


def test_pages_load_nothing_from_the_internet(as_user: object, app_client: TestClient) -> None:
    from tests.web.pages.conftest import login_page

    login_page(app_client, "root")
    for path in ("/", "/conversations", "/conversations/1", "/agents/sam", "/import"):
        page = app_client.get(path).text
        assert 'name="viewport"' in page
        assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "https://" not in page


def test_popover_script_is_served(app_client: TestClient) -> None:
    script = app_client.get("/static/app.js")
    assert script.status_code == 200
    assert "evidence-pop" in script.text
