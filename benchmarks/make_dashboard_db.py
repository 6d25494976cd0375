"""Generate a SQLite store for the dashboard benchmark: 100k analysed conversations.

A realistic mix: six channels (email 35 %, chat 30 %, social 15 %, phone 10 %, SMS and
web forms 5 % each), 20 agents in 4 teams with their own strengths and a slow
improvement over the year, about 40,000 customers (many come back, some on another
channel, and some of those have to retell their story), 12 months of conversations
with weekday peaks, ten contact reasons (one grows over the last two months), customer
emotions and outcomes that follow the agent's quality.

Conversations are written through the real import writer (``ConversationWriter``) and
their results through the real ``save_results`` (which fills ``conversation_metrics``
and ``agents``); the results themselves are synthetic (running the twelve analysers over
100k conversations takes far longer than a benchmark should), shaped like real ones:
a score per applicable skill with an evidence quote from the agent's reply, the
first-response verdict against the channel target, ``continuity.retell`` where the
customer retold their story. Teams are set with ``set_agent_team`` and wider issues are
built by the real insights service, by default with a fast hashing encoder standing in
for the sentence-embedding model (``--encoder real`` uses the model: minutes on CPU;
``--encoder none`` skips it). Every text is written here.

Usage: python benchmarks/make_dashboard_db.py [--out /tmp/servicecoach-dashboard.db]
       [--conversations 100000] [--seed 7] [--encoder hashing|real|none] [--force]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sqlalchemy import select

from servicecoach.analysis.analyzers.responsiveness_settings import DEFAULT_TARGETS_MINUTES
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.result import ConversationResult, Outcome
from servicecoach.analysis.skills import SKILLS
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.services.contact_reasons import build_contact_reasons, default_encoder
from servicecoach.store.agents import set_agent_team
from servicecoach.store.analyses import finish_run, save_results, start_run
from servicecoach.store.database import Store
from servicecoach.store.reader import StoredConversation
from servicecoach.store.schema import conversations
from servicecoach.store.writer import ConversationWriter

CHANNELS = (
    (Channel.EMAIL, 0.35),
    (Channel.CHAT, 0.30),
    (Channel.SOCIAL, 0.15),
    (Channel.PHONE, 0.10),
    (Channel.SMS, 0.05),
    (Channel.WEB, 0.05),
)
TEAMS = ("north", "south", "east", "west")
FIRST_NAMES = (
    "Sam", "Ana", "Lee", "Priya", "Omar", "Jonas", "Mei", "Tom", "Ines", "Kofi",
    "Lena", "Ravi", "Zoe", "Marta", "Yusuf", "Hana", "Pablo", "Ruth", "Ivan", "Nia",
)  # fmt: skip
CUSTOMER_NAMES = (
    "Dana", "Alex", "Chris", "Jamie", "Robin", "Taylor", "Morgan", "Casey", "Jordan", "Riley",
    "Avery", "Quinn", "Skyler", "Rowan", "Emery", "Sage", "Harper", "Reese", "Parker", "Drew",
)  # fmt: skip
SURNAMES = ("Reyes", "Okafor", "Schmidt", "Novak", "Kim", "Silva", "Dubois", "Haddad", "Berg")
REASONS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    (
        "delivery",
        0.22,
        (
            "Where is my parcel? Order {order} was due {day} and still nothing.",
            "My order {order} hasn't arrived yet, the tracking has not moved since {day}.",
            "Package still not here. It says out for delivery since {day}.",
            "The courier marked order {order} as delivered but there is no parcel at my door.",
        ),
    ),
    (
        "refund",
        0.16,
        (
            "I returned the {item} two weeks ago and still have no refund for order {order}.",
            "When will I get my money back for the {item}? Refund for {order} is missing.",
            "You confirmed the return of my {item} but the refund never came.",
        ),
    ),
    (
        "damaged",
        0.10,
        (
            "The {item} arrived broken, the box was crushed. Order {order}.",
            "My new {item} is damaged, there is a tear along the seam.",
            "Received order {order} today and the {item} is faulty out of the box.",
        ),
    ),
    (
        "login",
        0.10,
        (
            "I can't log in to my account, the password reset email never arrives.",
            "My account is locked after too many login attempts, please unlock it.",
            "The app keeps saying my password is wrong even after a reset.",
        ),
    ),
    (
        "billing",
        0.09,
        (
            "I was charged twice for order {order}, please fix the double payment.",
            "There is a charge on my card I don't recognise from {day}.",
            "My invoice for order {order} shows the wrong amount.",
        ),
    ),
    (
        "address",
        0.08,
        (
            "Can I change the delivery address on order {order}? I'm moving on {day}.",
            "I entered the wrong street on order {order}, can you update the address?",
        ),
    ),
    (
        "cancel",
        0.08,
        (
            "Please cancel order {order}, I ordered the {item} by mistake.",
            "I want to cancel my order {order} before it ships.",
        ),
    ),
    (
        "sizing",
        0.07,
        (
            "The {item} is too small, can I exchange it for a bigger size?",
            "What size {item} should I order? I'm usually between a medium and a large.",
        ),
    ),
    (
        "promo",
        0.05,
        (
            "My discount code isn't working at checkout for the {item}.",
            "The promo code from your newsletter says expired but it should run until {day}.",
        ),
    ),
    (
        "outage",
        0.05,
        (
            "Your website is down, I can't place an order since this morning.",
            "The checkout page shows an error 500 every time I try to pay.",
        ),
    ),
)
ITEMS = ("jacket", "tent", "boots", "backpack", "rain coat", "sleeping bag", "fleece", "stove")
RETELL = "As I already explained to your colleague, "
FOLLOW_UPS = (
    "Any update on this?",
    "Thanks, that helps.",
    "Is there anything else you need from me?",
    "OK, I'll wait then.",
    "This is taking far too long.",
)
REPLIES = (
    "I'm sorry to hear that, {name}. Let me check order {order} for you right away.",
    "Thanks for reaching out. I can see the order and I'm looking into it now.",
    "I understand how frustrating this is. I've escalated it and will update you today.",
    "Sorry for the trouble. I have arranged a replacement, it ships tomorrow.",
    "Please send us your order number and we will check.",
)
CLOSINGS = (
    "Is there anything else I can help with? Have a great day!",
    "Glad we could sort this out. Take care!",
    "Let us know if you need anything else.",
)
NEGATIVE = ("frustration", "anger", "anxiety", "disappointment", "confusion")
POSITIVE = ("gratitude", "satisfaction", "relief")
END = datetime(2026, 11, 15, tzinfo=UTC)
DAYS = 365


class Agent:
    """A synthetic agent: a team, a mean per skill and a monthly improvement."""

    def __init__(self, name: str, team: str, rng: random.Random) -> None:
        self.name = name
        self.team = team
        self.means = {skill: rng.uniform(45, 85) for skill in SKILLS}
        self.slope = rng.uniform(-0.3, 1.2)  # points per month
        self.speed = rng.uniform(0.3, 1.6)  # multiple of the channel target


def _pick(rng: random.Random, weighted: Sequence[tuple[object, float]]) -> object:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def _start(rng: random.Random) -> datetime:
    while True:
        day = END - timedelta(days=rng.randrange(DAYS))
        if day.weekday() < 5 or rng.random() < 0.4:
            return day.replace(hour=rng.randint(7, 21), minute=rng.randrange(60))


def _reason(rng: random.Random, started: datetime) -> tuple[str, str]:
    weights = [w for _, w, _ in REASONS]
    if (END - started).days < 60:
        weights[9] *= 4  # an outage issue grows in the last two months
    name, _, texts = REASONS[rng.choices(range(len(REASONS)), weights)[0]]
    text = rng.choice(texts).format(
        order=f"#{rng.randint(10000, 99999)}",
        item=rng.choice(ITEMS),
        day=rng.choice(("Monday", "Tuesday", "Friday", "last week", "the 3rd")),
    )
    return name, text


def _customer(rng: random.Random, index: int, channel: Channel) -> Customer:
    name = f"{CUSTOMER_NAMES[index % len(CUSTOMER_NAMES)]} {SURNAMES[index % len(SURNAMES)]}"
    email = f"customer{index}@example.com"
    phone = f"+1415{2000000 + index:07d}"
    if channel is Channel.SOCIAL:
        return Customer(
            name=name,
            handles={"twitter": f"cust{index}"},
            email=email if rng.random() < 0.2 else None,
        )
    if channel in (Channel.PHONE, Channel.SMS):
        return Customer(name=name, phone=phone, email=email if rng.random() < 0.5 else None)
    return Customer(name=name, email=email)


def _conversation(
    rng: random.Random, number: int, agents: list[Agent], seen: dict[int, Channel]
) -> tuple[Conversation, Agent, str, bool]:
    channel = Channel(str(_pick(rng, CHANNELS)))
    who = rng.randrange(4000) if rng.random() < 0.4 else rng.randrange(40000)
    retell = who in seen and seen[who] is not channel and rng.random() < 0.35
    seen[who] = channel
    agent = rng.choice(agents)
    started = _start(rng)
    reason, opening = _reason(rng, started)
    target = DEFAULT_TARGETS_MINUTES[channel.value]
    first_wait = target * agent.speed * rng.lognormvariate(0, 0.6)
    turns: list[tuple[Role, str, float]] = [
        (Role.CUSTOMER, (RETELL + opening[0].lower() + opening[1:]) if retell else opening, 0.0)
    ]
    clock = first_wait
    order = f"#{rng.randint(10000, 99999)}"
    name = CUSTOMER_NAMES[who % len(CUSTOMER_NAMES)]
    turns.append((Role.AGENT, rng.choice(REPLIES).format(name=name, order=order), clock))
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        clock += rng.uniform(1, 30)
        turns.append((Role.CUSTOMER, rng.choice(FOLLOW_UPS), clock))
        clock += target * agent.speed * rng.lognormvariate(0, 0.8)
        turns.append((Role.AGENT, rng.choice(REPLIES).format(name=name, order=order), clock))
    if rng.random() < 0.7:
        turns.append((Role.AGENT, rng.choice(CLOSINGS), clock + 1))
    messages = tuple(
        Message(
            id=f"m{i}",
            role=role,
            text=text,
            author=agent.name if role is Role.AGENT else None,
            at=started + timedelta(minutes=minutes),
        )
        for i, (role, text, minutes) in enumerate(turns, start=1)
    )
    chat = Conversation(
        id=f"bench-{number}",
        channel=channel,
        messages=messages,
        customer=_customer(rng, who, channel),
        public=channel is Channel.SOCIAL,
        source="bench",
    )
    return chat, agent, reason, retell


def _result(
    rng: random.Random, chat: Conversation, agent: Agent, reason: str, retell: bool
) -> ConversationResult:
    started = chat.messages[0].at or END
    months = (started - (END - timedelta(days=DAYS))).days / 30
    reply = next(m for m in chat.messages if m.role is Role.AGENT)
    opening = reply.text.split(".")[0]
    skills: dict[str, SkillFinding] = {}
    for skill in SKILLS:
        if skill == "public_to_private" and not chat.public:
            continue
        if skill in ("persuasion", "extra_mile") and rng.random() < 0.7:
            continue
        if skill == "continuity" and not retell and rng.random() < 0.8:
            continue
        mean = agent.means[skill] + agent.slope * months
        score = int(max(0, min(100, rng.gauss(mean, 15))))
        if skill == "continuity" and retell:
            score = min(score, 30)
        polarity = 1 if score >= 60 else -1
        evidence = [
            Evidence(
                reply.id,
                0,
                len(opening),
                f"{skill}.bench",
                polarity,
                opening,
                None if polarity > 0 else "Say what you will do and by when.",
            )
        ]
        if skill == "responsiveness":
            target = DEFAULT_TARGETS_MINUTES[chat.channel.value]
            waited = ((reply.at or started) - started).total_seconds() / 60
            good = 1 if waited <= target else -1
            evidence = [
                Evidence(reply.id, 0, len(opening), "responsiveness.first_response", good, opening)
            ]
        if skill == "continuity" and retell:
            first = chat.messages[0]
            evidence.append(
                Evidence(
                    first.id,
                    0,
                    len(RETELL) - 2,
                    "continuity.retell",
                    -1,
                    first.text[: len(RETELL) - 2],
                )
            )
        skills[skill] = SkillFinding(score, tuple(evidence))
    scores = [f.score for f in skills.values() if f.score is not None]
    quality = round(sum(scores) / len(scores)) if scores else None
    upset = {"delivery": 0.6, "refund": 0.7, "damaged": 0.6, "outage": 0.8, "billing": 0.6}
    start = rng.choice(NEGATIVE) if rng.random() < upset.get(reason, 0.35) else "neutral"
    good = (quality or 50) / 100
    if rng.random() < good * 0.9:
        end, resolved = rng.choice(POSITIVE), True
    elif rng.random() < 0.5:
        end, resolved = rng.choice(NEGATIVE), False
    else:
        end, resolved = "neutral", None
    satisfaction = int(max(0, min(100, good * 100 + (15 if resolved else -15) + rng.gauss(0, 8))))
    return ConversationResult(
        conversation=chat.id,
        analyzers={skill: f"{skill}.v1" for skill in skills},
        skills=skills,
        messages=tuple((m.id, m.role.value) for m in chat.messages),
        outcome=Outcome(start, end, resolved, satisfaction, quality),
    )


def hashing_encoder(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """A fast stand-in for the sentence encoder: hashed word counts, projected to 384."""
    from sklearn.feature_extraction.text import HashingVectorizer

    hashed = HashingVectorizer(
        n_features=2**12, stop_words="english", alternate_sign=False, norm="l2"
    ).transform(texts)
    projection = np.random.default_rng(0).normal(size=(2**12, 384)).astype(np.float32)
    dense = np.asarray(hashed @ projection, dtype=np.float32)
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    norms[norms == 0] = 1
    return dense / norms


def generate(out: Path, count: int, seed: int, encoder: str) -> None:
    """Write ``count`` analysed conversations into a new SQLite store at ``out``."""
    rng = random.Random(seed)
    agents = [Agent(name, TEAMS[i % len(TEAMS)], rng) for i, name in enumerate(FIRST_NAMES)]
    seen: dict[int, Channel] = {}
    began = time.perf_counter()
    with Store.open(out) as store:
        with store.begin() as connection:
            run = start_run(connection, {skill: f"{skill}.v1" for skill in SKILLS}, {})
        last_pk = 0
        chunk = 5000
        for offset in range(0, count, chunk):
            made = [
                _conversation(rng, n, agents, seen)
                for n in range(offset, min(count, offset + chunk))
            ]
            with store.begin() as connection:
                writer = ConversationWriter(connection)
                for start in range(0, len(made), 500):
                    writer.write([m[0] for m in made[start : start + 500]])
                ids = {
                    external: (pk, customer)
                    for pk, external, customer in connection.execute(
                        select(
                            conversations.c.id,
                            conversations.c.external_id,
                            conversations.c.customer_id,
                        ).where(conversations.c.id > last_pk)
                    )
                }
                last_pk = max(pk for pk, _ in ids.values())
                for start in range(0, len(made), 500):
                    batch = made[start : start + 500]
                    stored = {}
                    results = []
                    for chat, agent, reason, retell in batch:
                        pk, customer = ids[chat.id]
                        stored[pk] = StoredConversation(pk, customer, chat)
                        results.append((pk, _result(rng, chat, agent, reason, retell)))
                    save_results(connection, run, results, stored)
            done = offset + len(made)
            print(
                f"  {done:,} conversations ({time.perf_counter() - began:.0f} s)", file=sys.stderr
            )
        with store.begin() as connection:
            finish_run(connection, run, count)
            for agent in agents:
                set_agent_team(connection, agent.name, agent.team)
        if encoder != "none":
            if encoder == "real":
                encode, model = default_encoder()
            else:
                encode, model = hashing_encoder, "hashing-bench"
            report = build_contact_reasons(store, encode, model, batch_size=2000)
            print(
                f"  insights: {report.reasons} reasons, {report.assigned:,} of "
                f"{report.grouped:,} conversations assigned ({report.seconds:.0f} s)",
                file=sys.stderr,
            )
    print(f"wrote {out} in {time.perf_counter() - began:.0f} s")


def main() -> None:
    """Parse the options and generate the store."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/servicecoach-dashboard.db"))
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    parser.add_argument(
        "--encoder",
        choices=("hashing", "real", "none"),
        default="hashing",
        help="wider issues: a fast hashing stand-in (default), the real sentence-embedding "
        "model (minutes for 100k on CPU), or no insights build",
    )
    args = parser.parse_args()
    if args.out.exists():
        if not args.force:
            parser.error(f"{args.out} exists (use --force to replace it)")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.out}{suffix}").unlink(missing_ok=True)
    generate(args.out, args.conversations, args.seed, args.encoder)


if __name__ == "__main__":
    main()
