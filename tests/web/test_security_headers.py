"""Security headers on every response, and pages that hold to the Content-Security-Policy."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from importlib.resources import files
from types import SimpleNamespace

import pytest

from servicecoach.server.headers import CONTENT_SECURITY_POLICY, SECURITY_HEADERS
from servicecoach.web.pages.views import EMOTION_COLORS
from tests.web.conftest import DashboardApp

EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def test_security_headers_policy_says_what_the_issue_asks() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY  # no 'unsafe-inline', no 'unsafe-eval'
    assert {k.lower(): v for k, v in SECURITY_HEADERS.items()} == EXPECTED


@pytest.mark.parametrize(
    ("user", "method", "path", "status"),
    [
        ("anonymous", "GET", "/login", 200),  # a page
        ("anonymous", "GET", "/", 303),  # the redirect to the login page
        ("nora", "GET", "/", 200),
        ("nora", "GET", "/conversations/999999", 404),  # an error page
        ("anonymous", "GET", "/v1/conversations", 401),  # the API
        ("token", "GET", "/v1/conversations", 200),
        ("token", "GET", "/v1/conversations/export?format=csv", 200),  # a download
        ("anonymous", "GET", "/static/app.css", 200),  # static files
        ("anonymous", "GET", "/static/app.js", 200),
        ("anonymous", "GET", "/static/missing.js", 404),
        ("anonymous", "GET", "/openapi.json", 200),
        ("anonymous", "GET", "/healthz", 200),
        ("anonymous", "GET", "/no/such/path", 404),
        ("anonymous", "POST", "/v1/imports", 401),  # refused before the body
        ("token", "POST", "/v1/assist", 413),  # the body limit, outside everything else
    ],
)
def test_security_headers_on_every_response(
    dashboard_app: DashboardApp, user: str, method: str, path: str, status: int
) -> None:
    body = b"x" * (2 * 1024 * 1024) if status == 413 else b"{}"
    answer = dashboard_app.client.request(
        method,
        path,
        headers=dashboard_app.headers(user),
        content=body if method == "POST" else None,
        follow_redirects=False,
    )
    assert answer.status_code == status, answer.text
    for name, value in EXPECTED.items():
        assert answer.headers.get(name) == value, (name, path)


class _Inline(HTMLParser):
    """Collects what a strict Content-Security-Policy would block in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower() for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        if tag == "link" and ("rel", "stylesheet") in attrs:
            href = dict(attrs).get("href") or ""
            if not href.startswith("/static/"):
                self.found.append(f"stylesheet {href}")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.found.append(f"{tag} {name}= handler")
            if name.lower() == "style":
                self.found.append(f"{tag} style= attribute")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")


def _inline(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.found


TEMPLATES = sorted(
    p.name for p in (files("servicecoach.web") / "templates").iterdir() if p.name.endswith(".html")
)


@pytest.mark.parametrize("name", TEMPLATES)
def test_security_templates_have_nothing_inline(name: str) -> None:
    """No inline script, handler or style in a template: the policy holds without
    'unsafe-inline' (put behaviour in static/app.js and looks in static/app.css)."""
    text = (files("servicecoach.web") / "templates" / name).read_text(encoding="utf-8")
    assert _inline(re.sub(r"{[{%#].*?[%}#]}", "", text, flags=re.DOTALL)) == []
    assert not re.search(r"\son[a-z]+\s*=", text, flags=re.IGNORECASE)
    assert "style=" not in text and "<style" not in text


@pytest.mark.parametrize("user", ["root", "nora", "sam"])
def test_security_rendered_pages_have_nothing_inline(
    dashboard_app: DashboardApp, user: str
) -> None:
    """The pages as served (charts, highlights and all) need nothing the policy blocks."""
    pk = dashboard_app.built.pks["c1"]
    customer = dashboard_app.built.customers["c1"]
    paths = ["/", "/agents/sam", "/conversations", f"/conversations/{pk}", "/reasons"]
    paths += [f"/customers/{customer}", "/agents", "/import"] if user != "sam" else []
    for path in paths:
        answer = dashboard_app.get(user, path)
        assert answer.status_code == 200, (path, answer.text)
        assert _inline(answer.text) == [], path
    anonymous = dashboard_app.client.get("/login", headers={})
    assert _inline(anonymous.text) == []


@pytest.mark.parametrize(
    ("emotion", "css_class"),
    [("anger", "emotion-anger"), ("relief", "emotion-relief"), ("glee", "emotion-other")],
)
def test_security_emotion_chips_are_coloured_by_class(emotion: str, css_class: str) -> None:
    """The conversation page's emotion chip (its markup, cut from the template)."""
    from servicecoach.web.pages.templating import TEMPLATES

    text = (files("servicecoach.web") / "templates" / "conversation.html").read_text("utf-8")
    chip = re.search(r"{% if m.emotion %}<span class=\"chip.*?</span>{% endif %}", text)
    assert chip is not None
    message = SimpleNamespace(emotion=emotion, emotion_score=0.8)
    html = TEMPLATES.env.from_string(chip.group(0)).render(m=message, emotion_colors=EMOTION_COLORS)
    assert f'class="chip {css_class}"' in html and _inline(html) == []


def test_security_stylesheet_colours_every_emotion() -> None:
    css = (files("servicecoach.web") / "static" / "app.css").read_text(encoding="utf-8")
    found = dict(re.findall(r"\.chip\.emotion-([a-z]+) \{ --chip: (#[0-9a-f]{6}); \}", css))
    assert found == EMOTION_COLORS
