"""A generated customer-service corpus that reads like support traffic, for benchmarks.

Every phrase below was written for this file; no row of any data set is used. What it
imitates, because it matters for speed:

- agents answer partly from macros (greetings, apologies, "Could you send me your order
  number?", sign-offs), which repeat exactly, and partly in their own words with order
  numbers, dates and amounts, which do not;
- customers rarely repeat themselves word for word, except for short replies ("Thanks!",
  "Any update?");
- lengths vary, from "ok" to long complaints, and emails end with a signature block;
- conversations have 2 to 12 messages, on chat, email, social media (agent replies start
  with the customer's @handle and end with the agent's initials, as on Twitter) and phone.

With the default seed about 43% of all sentences (about 60% of the agents') repeat one
seen earlier, against 10% (18%) in the public Twitter sample, where every reply starts
with an @handle and is signed; ``analysis_bench.py`` prints the share for each run.

``generate(path, messages)`` writes native JSON Lines (what ``servicecoach import``
reads); the same seed gives the same file.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["generate"]

NAMES = [
    "Dana", "Sam", "Priya", "Tom", "Alex", "Maria", "Chen", "Fatima", "Jonas", "Leila",
    "Oscar", "Grace", "Ravi", "Nina", "Paul", "Yuki", "Ahmed", "Sofia", "Liam", "Zoe",
    "Kofi", "Elena", "Marco", "Hannah", "Ben", "Aisha", "Ivan", "Clara", "Diego", "Mei",
    "Rosa", "Femi", "Lukas", "Anya", "Tariq", "Beth", "Jamal", "Ines", "Olu", "Karen",
    "Pete", "Lena", "Hugo", "Sana", "Ellis", "Noor", "Rory", "Jade", "Matteo", "Ewa",
]  # fmt: skip
AGENTS = ["Jo", "Kim", "Max", "Ana", "Lee", "Ruth", "Omar", "Tess"]
PRODUCTS = [
    "rain jacket", "hiking boots", "tent", "sleeping bag", "backpack", "phone case",
    "coffee machine", "blender", "desk lamp", "office chair", "headphones", "smart watch",
    "router", "printer", "kettle", "vacuum cleaner", "winter coat", "running shoes",
    "air fryer", "baby monitor", "gaming mouse", "yoga mat", "suitcase", "bike helmet",
]  # fmt: skip
PLANS = ["basic", "premium", "family", "student", "business"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WHEN = [
    "last week", "two weeks ago", "on the 3rd", "yesterday", "a month ago", "in the sale",
    "on Black Friday", "for my son", "as a gift", "three days ago",
]  # fmt: skip
DAMAGE = [
    "with a torn zip", "with a cracked screen", "in the wrong size", "in the wrong colour",
    "with a missing part", "completely smashed", "without the charger", "already used",
]  # fmt: skip
SCREENS = ["settings", "my basket", "the checkout", "order history", "my profile", "search"]
FIXES = [
    "restarting it", "reinstalling the app", "clearing the cache", "a different browser",
    "resetting my password twice", "turning it off and on again", "the website instead",
]  # fmt: skip
EVENTS = [
    "my trip on Saturday", "my daughter's birthday", "Christmas", "a wedding", "work",
    "the school holidays", "our move next week", "a camping weekend",
]  # fmt: skip
STATUSES = ["out for delivery", "in transit", "label created", "delivered", "delayed"]
PLACES = ["Leeds", "Bristol", "Glasgow", "Cardiff", "Leicester", "Norwich"]
SPEEDS = ["next-day", "express", "standard", "tracked", "weekend"]

CUSTOMER_CORES = [
    ("my order #{order} still hasn't arrived", "."),
    ("I ordered a {product} {when} and it arrived {damage}", "."),
    ("I was charged twice for my {plan} subscription this month", "."),
    ("I can't log in to my account since {day}", "."),
    ("your app keeps crashing whenever I open {screen}", "."),
    ("I want to cancel my {plan} plan", "."),
    ("can I change the delivery address for order {order}", "?"),
    ("the {product} I bought {when} has stopped working", "."),
    ("where is my refund for order {order}", "?"),
    ("I've been waiting {n} days for a reply to my email", "."),
    ("why was I charged {amount} when the price said {amount2}", "?"),
    ("my parcel says delivered but there is nothing here", "."),
    ("how do I return the {product} I got {when}", "?"),
    ("the tracking page has said {status} since {day}", "."),
    ("I tried {fix} but it didn't help", "."),
    ("my email is {email}", "."),
    ("I really need the {product} before {event}", "."),
    ("it's the {product} in size {size}", "."),
    ("I already sent photos of the damage on {day}", "."),
    ("the order number is {order}", "."),
    ("I paid {amount} by card and the money has already left my account", "."),
    ("nobody called me back on {day} even though I was promised a call", "."),
    ("I've been a customer for {n} years and never had a problem before", "."),
    ("can you send a new {product} rather than a refund", "?"),
    ("the courier left my parcel with a neighbour at number {n}{n}", "."),
    ("I ordered {n} of the {product} on {day} and only got one", "."),
    ("my {plan} plan shows {amount} on the app but {amount2} on my statement", "."),
    ("the {product} from order {order} still hasn't shipped", "."),
    ("is there any way to get the {product} to {place} by {day}", "?"),
    ("the chat closed on me on {day} while I was talking to {agent}", "."),
    ("the {product} makes a loud noise after {n} minutes", "."),
    ("the discount code {code} doesn't work at {screen}", "."),
    ("I've got two emails saying {status} and one saying {status2}", "."),
    (
        "I contacted you on {day}, again on {day2} and once more this morning, and each "
        "time I was told someone would look into it, but nothing has happened and I still "
        "don't have my {product} or my money",
        ".",
    ),
    (
        "to be honest I'm not sure whether I should just return the {product} and order "
        "another one, or wait for a replacement, because I really need it for {event}",
        ".",
    ),
]
LEAD_INS = [
    "", "", "", "", "", "Hi, ", "Hello, ", "Hey, ", "Morning, ", "Hi again, ", "So ",
    "Also ", "Just to say, ", "Sorry, but ", "Quick question: ", "Honestly, ", "Update: ",
]  # fmt: skip
TAILS = [
    "", "", "", "", "", " and I need it before {event}", ", which is really annoying",
    " and nobody has told me why", " for the {nth} time", " since {day}", " again",
    " and I'm running out of patience", " as far as I can tell", ", {name} here",
    " and I'm away from {day}",
]  # fmt: skip
NTH = ["second", "third", "fourth", "fifth"]
ENDINGS = [".", ".", ".", "!", "!!", "..."]
CUSTOMER_FEELINGS = [
    "This is the third time I'm asking.",
    "I'm really frustrated.",
    "Honestly this is ridiculous!!",
    "Please help.",
    "Thanks in advance.",
    "I'm so disappointed.",
    "Not happy at all.",
    "This is unacceptable.",
]
CUSTOMER_REPLIES = [
    "Thanks!",
    "Thank you so much, that fixed it!",
    "ok",
    "Any update?",
    "Still nothing.",
    "Great, thanks for your help.",
    "That's fine, a replacement would be great.",
    "No, that's all, thanks.",
    "I already did that and it still doesn't work.",
    "When will it arrive then?",
    "Can you just refund me instead?",
    "Ok I'll wait for the email.",
    "Perfect, that worked.",
    "Why does this keep happening?",
    "thank you",
    "Yes please.",
]

AGENT_GREETINGS = [
    "Hi {name}, thanks for getting in touch.",
    "Thanks for reaching out to us, {name}.",
    "Hello {name}, I'm {agent} and I'll be helping you today.",
    "Hi {name}, thanks for your message.",
    "Thank you for contacting Northwind Support.",
    "Hi there, thanks for getting in touch.",
    "Hi {name}, thanks for your patience while we looked into your {product}.",
    "Thanks for waiting, {name}.",
]
AGENT_EMPATHY = [
    "I'm sorry to hear about the trouble with your {product}.",
    "I'm really sorry for the wait, {name}.",
    "I completely understand how frustrating this must be.",
    "I'm sorry your {product} hasn't arrived yet.",
    "I'm sorry for the inconvenience this has caused.",
    "That's definitely not the experience we want you to have.",
    "I understand how worrying that is with {event} so close.",
]
AGENT_ASKS = [
    "Could you please send me your order number so I can take a look?",
    "Could you confirm the email address on your account, please?",
    "Please DM us your order number and we'll look into it.",
    "Could you send us a photo of the damage?",
    "Could you send me the order number for the {product}, please?",
    "Which email address did you use to order the {product}?",
    "Could you tell me the size and colour of the {product} you ordered?",
    "Have you tried clearing the app's cache and logging in again?",
    "Can you tell me when the problem started?",
    "Let me check that for you, {name}.",
    "Let me look into this for you.",
]
AGENT_MACROS = [
    "I've emailed you a free returns label.",
    "I've refunded the duplicate payment.",
    "The courier has confirmed your parcel will be delivered tomorrow.",
    "Our warehouse has your size in stock, so a replacement is possible.",
    "You can return any item within 30 days using the label in your parcel.",
    "We do ship to Ireland, and delivery usually takes 3-5 working days.",
    "A fix for the crash is in the next app update, out this week.",
    "I've passed this to our technical team, who will contact you within 24 hours.",
    "Refunds usually take 3-5 working days to show on your statement.",
    "I've added a note to your account so the team can see what's happened.",
    "Please allow up to 48 hours for the courier to update the tracking.",
    "Your account is now unlocked and you can log in again.",
]
AGENT_OWN_WORDS = [
    "I can see order #{order} left our {place} warehouse on {day} and is now {status}",
    "I've checked with the courier and your {product} should reach you by {day}",
    "the {amount} charge on {day} was for your {plan} plan renewal, not a second order",
    "I've added a {amount} credit to your account for the trouble with the {product}",
    "your replacement {product} is booked on {speed} delivery and should arrive on {day}",
    "I've reset the login on {email}, so you can sign in with the link we've just sent",
    "I've asked our {place} team to call you on {day} between {hour} and {hour2}",
    "the {product} you ordered {when} is covered by our {n}-year warranty",
    "I've moved your {plan} plan renewal to {day}, so the next payment is {amount}",
    "order {order} is now showing as {status}, and I'll keep an eye on it until {day}",
    "I've issued a refund of {amount} for order {order}",
    "I've arranged a replacement {product}, which leaves our {place} warehouse on {day}",
    "I've cancelled your {plan} plan from {day}, and you won't be charged again",
    "I've updated the delivery address on order {order} to the one you gave me",
    "the code {code} expired on {day}, but I've applied the {n}0% discount by hand",
]
AGENT_LEAD_INS = [
    "", "", "", "", "Good news: ", "Just to update you, ", "As promised, ", "Okay, ",
    "Thanks {name}, ", "Right, ", "I've had a look and ",
]  # fmt: skip
AGENT_TAILS = ["", "", "", "", " for you", ", {name}", " today", " as well"]
AGENT_CLOSINGS = [
    "Is there anything else I can help you with today?",
    "Have a great day!",
    "Thanks for your patience while I looked into this.",
    "Let us know if there's anything else we can do.",
    "Thanks for your patience.",
    "If you need anything else, just reply to this message.",
]
CALL_FILLERS = ["Okay.", "Right.", "Yes.", "Mm-hm.", "Sure.", "One moment please."]

PER_CONVERSATION = (2, 12)
MACRO_SHARE = 0.25
"""Share of the agents' sentences (beyond greetings and sign-offs) taken from macros."""


def _fill(template: str, rng: random.Random, name: str, email: str) -> str:
    return template.format(
        order=rng.randint(100000, 999999),
        product=rng.choice(PRODUCTS),
        when=rng.choice(WHEN),
        damage=rng.choice(DAMAGE),
        plan=rng.choice(PLANS),
        screen=rng.choice(SCREENS),
        n=rng.randint(2, 9),
        amount=f"£{rng.randint(5, 240)}.{rng.choice(('00', '99', '49'))}",
        amount2=f"£{rng.randint(5, 240)}.00",
        status=rng.choice(STATUSES),
        status2=rng.choice(STATUSES),
        day=rng.choice(DAYS),
        day2=rng.choice(DAYS),
        fix=rng.choice(FIXES),
        email=email,
        event=rng.choice(EVENTS),
        size=rng.choice(("S", "M", "L", "XL", "8", "9", "42")),
        name=name,
        agent=rng.choice(AGENTS),
        nth=rng.choice(NTH),
        place=rng.choice(PLACES),
        speed=rng.choice(SPEEDS),
        hour=f"{rng.randint(8, 11)}am",
        hour2=f"{rng.randint(1, 6)}pm",
        code=f"{rng.choice(('SAVE', 'WELCOME', 'SPRING', 'VIP'))}{rng.randint(5, 30)}",
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _customer_sentence(rng: random.Random, name: str, email: str) -> str:
    """A core with a lead-in, a tail and an ending drawn at random: rarely repeated."""
    core, mark = rng.choice(CUSTOMER_CORES)
    text = rng.choice(LEAD_INS) + _fill(core, rng, name, email)
    if mark == "?":
        return _capital(text) + "?"
    return _capital(text + _fill(rng.choice(TAILS), rng, name, email)) + rng.choice(ENDINGS)


def _customer(rng: random.Random, first: bool, name: str, email: str) -> str:
    parts: list[str] = []
    if first or rng.random() < 0.75:
        parts += [_customer_sentence(rng, name, email) for _ in range(rng.choice((1, 1, 2, 3)))]
        if rng.random() < 0.1:
            parts.append(rng.choice(CUSTOMER_FEELINGS))
    else:
        parts.append(rng.choice(CUSTOMER_REPLIES))
        if rng.random() < 0.25:
            parts.append(_customer_sentence(rng, name, email))
    return " ".join(parts)


def _agent_sentence(rng: random.Random, name: str, email: str) -> str:
    """A macro as it is (repeats exactly), or the agent's own words (rarely repeat)."""
    if rng.random() < MACRO_SHARE:
        return rng.choice(AGENT_MACROS)
    text = _fill(rng.choice(AGENT_LEAD_INS), rng, name, email)
    text += _fill(rng.choice(AGENT_OWN_WORDS), rng, name, email)
    return _capital(text + _fill(rng.choice(AGENT_TAILS), rng, name, email)) + "."


def _agent(rng: random.Random, turn: int, last: bool, name: str, email: str, channel: str) -> str:
    parts: list[str] = []
    if turn == 1:
        parts.append(_fill(rng.choice(AGENT_GREETINGS), rng, name, email))
        if rng.random() < 0.5:
            parts.append(_fill(rng.choice(AGENT_EMPATHY), rng, name, email))
        parts.append(_fill(rng.choice(AGENT_ASKS), rng, name, email))
    else:
        if rng.random() < 0.15:
            parts.append(_fill(rng.choice(AGENT_EMPATHY), rng, name, email))
        parts += [_agent_sentence(rng, name, email) for _ in range(rng.choice((1, 2, 2, 3)))]
    if last:
        parts.append(rng.choice(AGENT_CLOSINGS))
    text = " ".join(parts)
    if channel == "email":
        text = f"Dear {name},\n\n{text}\n\n{rng.choice(AGENTS)}, Northwind Support"
    elif channel == "social":
        initials = "".join(rng.choice("ABCDEJKLMRST") for _ in range(2))
        text = f"@{name.lower()}{rng.randint(10, 99)} {text} ^{initials}"
    elif channel == "phone" and rng.random() < 0.3:
        text = f"{rng.choice(CALL_FILLERS)} {text}"
    return text


def generate(path: Path, messages: int, seed: int = 11) -> int:
    """Write ``messages`` messages in conversations of 2-12; return the conversation count."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 8, tzinfo=UTC)
    written = conversations = 0
    with path.open("w", encoding="utf-8") as handle:
        while written < messages:
            n = conversations
            size = min(messages - written, rng.randint(*PER_CONVERSATION))
            channel = rng.choice(("chat", "chat", "email", "social", "phone"))
            customer = rng.randrange(max(1, messages // 12))
            name = NAMES[customer % len(NAMES)]
            email = f"{name.lower()}.{customer}@example.com"
            at = start + timedelta(minutes=11 * n)
            texts = [
                _customer(rng, i == 0, name, email)
                if i % 2 == 0
                else _agent(rng, i, i >= size - 2, name, email, channel)
                for i in range(size)
            ]
            minutes = [2 + 3 * i + rng.randint(0, 2) for i in range(size)]
            record = {
                "format": 1,
                "id": f"support-{n}",
                "channel": channel,
                "public": channel == "social",
                "customer": {"id": f"cust-{customer}", "name": name, "email": email},
                "messages": [
                    {
                        "id": f"m{i}",
                        "role": "customer" if i % 2 == 0 else "agent",
                        "at": (at + timedelta(minutes=minutes[i]))
                        .isoformat()
                        .replace("+00:00", "Z"),
                        "text": text,
                    }
                    for i, text in enumerate(texts)
                ],
                "meta": {},
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += size
            conversations += 1
    return conversations
