"""Every page for every role: the right content, nothing outside the viewer's scope."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.store.dashboard_data import Built
from tests.web.pages.conftest import csrf_of

Login = Callable[[str], TestClient]

PAGES = ["/", "/agents", "/agents/sam", "/conversations", "/reasons", "/import"]


@pytest.mark.parametrize("path", [*PAGES, "/conversations/1", "/customers/1"])
def test_pages_send_a_visitor_to_the_login_page(app_client: TestClient, path: str) -> None:
    answer = app_client.get(path, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize(
    ("user", "visible", "hidden"),
    [
        ("root", ["c1", "c2", "c3", "c4", "c5"], []),
        ("nora", ["c1", "c2", "c3"], ["c4", "c5"]),
        ("sam", ["c1", "c2"], ["c3", "c4", "c5"]),
    ],
)
def test_conversation_list_shows_only_the_viewers_scope(
    as_user: Login, built: Built, user: str, visible: list[str], hidden: list[str]
) -> None:
    html = as_user(user).get("/conversations").text
    for name in visible:
        assert f'href="/conversations/{built.pks[name]}"' in html
    for name in hidden:
        assert f'href="/conversations/{built.pks[name]}"' not in html
    assert f"{len(visible)} conversations" in html
    assert "/v1/conversations/export?format=csv" in html


@pytest.mark.parametrize(
    ("user", "allowed", "refused"),
    [
        ("root", ["c1", "c3", "c4", "c5"], []),
        ("nora", ["c1", "c3"], ["c4", "c5"]),
        ("sam", ["c1", "c2"], ["c3", "c4", "c5"]),
    ],
)
def test_conversation_page_is_not_found_outside_the_scope(
    as_user: Login, built: Built, user: str, allowed: list[str], refused: list[str]
) -> None:
    client = as_user(user)
    for name in allowed:
        assert client.get(f"/conversations/{built.pks[name]}").status_code == 200
    for name in refused:
        answer = client.get(f"/conversations/{built.pks[name]}")
        assert answer.status_code == 404
        assert "Conversation not found" in answer.text


@pytest.mark.parametrize(
    ("user", "links", "absent"),
    [
        ("root", ["/agents", "/import", "/reasons"], ["My scorecard"]),
        ("nora", ["/agents", "/import", "/reasons"], ["My scorecard"]),
        ("sam", ["/agents/sam", "/reasons"], ['href="/import"', 'href="/agents"']),
    ],
)
def test_nav_hides_what_the_role_cannot_use(
    as_user: Login, user: str, links: list[str], absent: list[str]
) -> None:
    html = as_user(user).get("/").text
    nav = html[html.index("<nav") : html.index("</nav>")]
    for link in links:
        assert f'href="{link}"' in nav
    for text in absent:
        assert text not in nav


@pytest.mark.parametrize(("user", "status"), [("root", 200), ("nora", 200), ("sam", 403)])
def test_import_page_is_for_leads_and_admins(as_user: Login, user: str, status: int) -> None:
    answer = as_user(user).get("/import")
    assert answer.status_code == status
    assert ('type="file"' in answer.text) is (status == 200)


@pytest.mark.parametrize(("user", "conversations"), [("root", "5"), ("nora", "3"), ("sam", "2")])
def test_overview_counts_the_viewers_conversations(
    as_user: Login, user: str, conversations: str
) -> None:
    html = as_user(user).get("/").text
    assert "Team overview" in html
    assert f'<span class="value">{conversations}</span><span class="label">conversations' in html
    assert html.count("<svg") >= 15  # twelve skills, volume, rates, response, emotions


def test_overview_filters_by_channel_and_reports_bad_dates(as_user: Login) -> None:
    html = as_user("root").get("/?channel=chat&start=yesterday").text
    assert '<span class="value">3</span><span class="label">conversations' in html
    assert "start &#39;yesterday&#39; is not a date" in html
    assert '<option value="chat" selected>' in html


@pytest.mark.parametrize(
    ("user", "agents", "hidden"),
    [("root", ["sam", "ana", "lee"], []), ("nora", ["sam", "ana"], ["lee"])],
)
def test_agent_list_by_scope(
    as_user: Login, user: str, agents: list[str], hidden: list[str]
) -> None:
    html = as_user(user).get("/agents").text
    for agent in agents:
        assert f'href="/agents/{agent}"' in html
    for agent in hidden:
        assert f'href="/agents/{agent}"' not in html


def test_agent_list_takes_an_agent_to_their_scorecard(as_user: Login) -> None:
    answer = as_user("sam").get("/agents", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/agents/sam"


@pytest.mark.parametrize(
    ("user", "agent", "status"),
    [("root", "lee", 200), ("nora", "ana", 200), ("nora", "lee", 404), ("sam", "ana", 404)],
)
def test_scorecard_by_scope(as_user: Login, user: str, agent: str, status: int) -> None:
    assert as_user(user).get(f"/agents/{agent}").status_code == status


def test_scorecard_shows_skills_trend_and_examples(as_user: Login, built: Built) -> None:
    html = as_user("sam").get("/agents/sam").text
    assert "Empathy" in html and "Continuity" in html
    assert 'class="trend"' in html and "periods with data" in html  # trend in words
    assert f'href="/conversations/{built.pks["c1"]}"' in html  # strongest empathy: 80
    assert "I&#39;m sorry to hear that" in html
    assert "New note" not in html  # agents do not write notes


def test_a_lead_adds_a_coaching_note(as_user: Login) -> None:
    client = as_user("nora")
    token = csrf_of(client.get("/agents/sam").text)
    answer = client.post(
        "/agents/sam/notes",
        data={"text": "Great <b>empathy</b> with Dana", "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    html = client.get("/agents/sam").text
    assert "Great &lt;b&gt;empathy&lt;/b&gt; with Dana" in html
    assert "nora" in html


def test_a_note_needs_text_and_a_token(as_user: Login) -> None:
    client = as_user("nora")
    token = csrf_of(client.get("/agents/sam").text)
    empty = client.post("/agents/sam/notes", data={"text": "  ", "csrf_token": token})
    assert empty.status_code == 400
    assert "a note has 1 to" in empty.text
    assert client.post("/agents/sam/notes", data={"text": "hi"}).status_code == 403


def test_an_agent_cannot_add_notes(as_user: Login) -> None:
    client = as_user("sam")
    token = csrf_of(client.get("/agents/sam").text)
    answer = client.post("/agents/sam/notes", data={"text": "me", "csrf_token": token})
    assert answer.status_code == 403


def test_conversation_page_highlights_evidence(as_user: Login, built: Built) -> None:
    html = as_user("root").get(f"/conversations/{built.pks['c2']}").text
    assert '<mark class="cost"' in html
    assert 'data-signals="continuity.retell">As I told your colleague</mark>' in html
    assert 'data-signals="empathy.missed">Thanks</mark>, <mark class="earn"' in html
    assert 'data-signals="responsiveness.first_response">looking into it</mark>' in html
    assert "Try: try this" in html
    assert 'id="evidence-pop"' in html


def test_customer_timeline(as_user: Login, built: Built) -> None:
    html = as_user("nora").get(f"/customers/{built.customers['c1']}").text
    assert "Dana Reyes" in html
    assert html.count('class="entry') == 2
    assert "repeat story" in html and "channel switch" in html
    assert "As I told your colleague" in html


@pytest.mark.parametrize(("user", "status"), [("root", 200), ("nora", 404), ("sam", 404)])
def test_customer_timeline_by_scope(as_user: Login, built: Built, user: str, status: int) -> None:
    assert as_user(user).get(f"/customers/{built.customers['c4']}").status_code == status


def test_reasons_page_says_how_to_build_them(as_user: Login) -> None:
    html = as_user("nora").get("/reasons?sort=sideways").text
    assert "Contact reasons" in html
    assert "servicecoach reasons build" in html
    assert "cannot rank by &#39;sideways&#39;" in html


def test_the_reasons_pages_old_address_redirects_with_its_query(as_user: Login) -> None:
    answer = as_user("nora").get("/issues?sort=growth", follow_redirects=False)
    assert answer.status_code == 308
    assert answer.headers["location"] == "/reasons?sort=growth"


def test_pages_without_any_analysis_say_so(web_client: TestClient) -> None:
    from tests.web.pages.conftest import login_page

    login_page(web_client, "root")
    for path in ("/", "/conversations", "/reasons", "/agents"):
        answer = web_client.get(path)
        assert answer.status_code == 200
        assert "nothing analysed yet" in answer.text
