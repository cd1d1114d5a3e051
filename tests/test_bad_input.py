"""Hostile and malformed submissions: a clear 4xx or the neutral success, never a 500, and
the database holds exactly what it should afterwards."""

import json
from dataclasses import dataclass, field

import pytest
from django.core import signing
from django.test import Client

from newsletter.models import ConsentEvent, Membership, Subscriber, Suppression
from newsletter.subscribers import tokens

NEW = "new@example.com"
LONG = "x" * 10_000


@dataclass(frozen=True)
class Case:
    """One submission; `new` names the address that must now be pending (or None)."""

    method: str
    path: str
    data: dict | str | None = None
    status: int = 400
    json_body: bool = False
    content_type: str | None = None
    headers: dict = field(default_factory=dict)
    new: str | None = None
    mails: int = 0
    events: int = 0
    active_status: str = "active"
    check: tuple = ()


def form(**fields) -> dict:
    return {"email": NEW, "consent": "yes", **fields}


def ok(email: str = NEW, **extra) -> dict:
    return {"status": 200, "new": email, "mails": 1, "events": 1, **extra}


CASES = {
    # CR/LF in every field of the subscribe form
    "crlf in email": Case("POST", "/subscribe/", form(email="a@example.com\r\nBcc: x@evil.test")),
    "crlf in first name": Case("POST", "/subscribe/", form(first_name="Ann\r\nBcc: x@evil.test")),
    "crlf in consent": Case("POST", "/subscribe/", form(consent="yes\r\nX-Injected: 1")),
    "crlf in audience": Case("POST", "/subscribe/", form(audience="emdr\r\nX: 1")),
    "crlf in consent version": Case("POST", "/subscribe/", form(consent_version="1\r\nX: 1")),
    "crlf in time zone is ignored": Case(
        "POST",
        "/subscribe/",
        form(time_zone="America/New_York\r\nX: 1"),
        **ok(),
        check=("time_zone", ""),
    ),
    "crlf in source page is ignored": Case(
        "POST",
        "/subscribe/",
        form(source="https://blog.example/a\r\nX: 1"),
        **ok(),
        check=("source_url", ""),
    ),
    "nul in source page": Case("POST", "/subscribe/", form(source="https://blog.example/\x00a")),
    "nul in referer is ignored": Case(
        "POST",
        "/subscribe/",
        form(),
        headers={"Referer": "https://blog.example/\x00a"},
        **ok(),
        check=("source_url", ""),
    ),
    "nul in email": Case("POST", "/subscribe/", form(email="a\x00b@example.com")),
    "nul in first name": Case("POST", "/subscribe/", form(first_name="Ann\x00")),
    # sizes, markup and Unicode
    "10,000-character name": Case("POST", "/subscribe/", form(first_name=LONG)),
    "100-character name is fine": Case(
        "POST", "/subscribe/", form(first_name="N" * 100), **ok(), check=("first_name", "N" * 100)
    ),
    "10,000-character email": Case("POST", "/subscribe/", form(email=LONG + "@example.com")),
    "10,000-character time zone": Case("POST", "/subscribe/", form(time_zone=LONG)),
    "script in name": Case("POST", "/subscribe/", form(first_name="<script>alert(1)</script>")),
    "markup in email": Case("POST", "/subscribe/", form(email="<b>x</b>@example.com")),
    "markup in audience": Case("POST", "/subscribe/", form(audience="<i>emdr</i>")),
    "quotes in name are kept as text": Case(
        "POST",
        "/subscribe/",
        form(first_name='Ann" onmouseover="x'),
        **ok(),
        check=("first_name", 'Ann" onmouseover="x'),
    ),
    "Unicode name": Case(
        "POST",
        "/subscribe/",
        form(first_name="Zoë 李 Ωμέγα 🌿"),
        **ok(),
        check=("first_name", "Zoë 李 Ωμέγα 🌿"),
    ),
    # addresses
    "missing email": Case("POST", "/subscribe/", {"consent": "yes"}),
    "blank email": Case("POST", "/subscribe/", form(email="   ")),
    "no at-sign": Case("POST", "/subscribe/", form(email="not-an-address")),
    "no dot in domain": Case("POST", "/subscribe/", form(email="a@localhost")),
    "double dot in local part": Case("POST", "/subscribe/", form(email="a..b@example.com")),
    "double dot in domain": Case("POST", "/subscribe/", form(email="a@example..com")),
    "domain starting with a hyphen": Case("POST", "/subscribe/", form(email="a@-example.com")),
    "space in address": Case("POST", "/subscribe/", form(email="a b@example.com")),
    "two addresses": Case("POST", "/subscribe/", form(email="a@example.com,b@example.com")),
    "IDN domain is accepted": Case(
        "POST",
        "/subscribe/",
        form(email="ana@bücher.example"),
        **ok("ana@bücher.example"),
        check=("email", "ana@bücher.example"),
    ),
    "punycode domain is accepted as the same IDN": Case(
        "POST",
        "/subscribe/",
        form(email="ana@xn--bcher-kva.example"),
        **ok("ana@bücher.example"),
        check=("email", "ana@bücher.example"),
    ),
    "Unicode local part and domain": Case(
        "POST", "/subscribe/", form(email="用户@例子.广告"), **ok("用户@例子.广告")
    ),
    # consent
    "missing consent": Case("POST", "/subscribe/", {"email": NEW}),
    "consent off": Case("POST", "/subscribe/", form(consent="off")),
    "consent no": Case("POST", "/subscribe/", form(consent="no")),
    "consent 0": Case("POST", "/subscribe/", form(consent="0")),
    "consent blank": Case("POST", "/subscribe/", form(consent="")),
    # other fields
    "unknown audience": Case("POST", "/subscribe/", form(audience="no-such-list")),
    "consent version not a number": Case("POST", "/subscribe/", form(consent_version="abc")),
    "consent version far too big": Case("POST", "/subscribe/", form(consent_version=str(10**30))),
    "honeypot filled in": Case(
        "POST", "/subscribe/", form(website="http://spam.example"), status=200
    ),
    # JSON bodies
    "JSON consent false": Case("POST", "/subscribe/", form(consent=False), json_body=True),
    "JSON consent true": Case("POST", "/subscribe/", form(consent=True), json_body=True, **ok()),
    "JSON consent 1": Case("POST", "/subscribe/", form(consent=1), json_body=True, **ok()),
    "JSON email a number": Case("POST", "/subscribe/", form(email=42), json_body=True),
    "JSON email a list": Case("POST", "/subscribe/", form(email=[NEW]), json_body=True),
    "JSON email an object": Case("POST", "/subscribe/", form(email={"a": NEW}), json_body=True),
    "JSON first name null": Case(
        "POST", "/subscribe/", form(first_name=None), json_body=True, **ok()
    ),
    "JSON body a list": Case("POST", "/subscribe/", "[1, 2]", content_type="application/json"),
    "JSON body broken": Case("POST", "/subscribe/", '{"email": ', content_type="application/json"),
    "JSON body a huge number": Case(
        "POST", "/subscribe/", '{"email": ' + "9" * 5000 + "}", content_type="application/json"
    ),
    "JSON lone surrogate in a name": Case(
        "POST",
        "/subscribe/",
        '{"email": "new@example.com", "consent": true, "first_name": "A\\ud800"}',
        content_type="application/json",
    ),
    "JSON lone surrogate in the source": Case(
        "POST",
        "/subscribe/",
        '{"email": "new@example.com", "consent": true, "source": "https://b.example/\\udfff"}',
        content_type="application/json",
    ),
    "JSON nested 100,000 deep": Case(
        "POST", "/subscribe/", "[" * 100_000 + "]" * 100_000, content_type="application/json"
    ),
    "JSON body not UTF-8": Case("POST", "/subscribe/", "\udcff", content_type="application/json"),
    "plain text body": Case("POST", "/subscribe/", "email=x", content_type="text/plain"),
    "broken multipart body": Case(
        "POST", "/subscribe/", "--x\r\nnonsense", content_type="multipart/form-data; boundary=x"
    ),
    # the same address again, in other cases
    "known address in capitals": Case(
        "POST", "/subscribe/", form(email="ACTIVE@EXAMPLE.COM"), status=200
    ),
    "known address with spaces around": Case(
        "POST", "/subscribe/", form(email="  active@example.com "), status=200
    ),
    # methods and origins
    "PUT to subscribe": Case("PUT", "/subscribe/", status=405),
    "DELETE to subscribe": Case("DELETE", "/subscribe/", status=405),
    "unlisted origin": Case(
        "POST", "/subscribe/", form(), headers={"Origin": "https://evil.example"}, status=403
    ),
    "sandboxed frame (Origin: null)": Case(
        "POST", "/subscribe/", form(), headers={"Origin": "null"}, status=403
    ),
    # tampered, truncated and misused links
    "tampered confirm link, page": Case("GET", "/confirm/{confirm:tampered}/"),
    "tampered confirm link, button": Case("POST", "/confirm/{confirm:tampered}/"),
    "truncated confirm link": Case("POST", "/confirm/{confirm:truncated}/"),
    "unsubscribe link used to confirm": Case("POST", "/confirm/{unsubscribe}/"),
    "confirm link with a text id": Case("POST", "/confirm/{forged_text_id}/"),
    "resend with a tampered link": Case("POST", "/confirm/{confirm:tampered}/resend/"),
    "resend by GET": Case("GET", "/confirm/{confirm}/resend/", status=405),
    "PUT to confirm": Case("PUT", "/confirm/{confirm}/", status=405),
    "tampered unsubscribe link, page": Case("GET", "/unsubscribe/{unsubscribe:tampered}/"),
    "tampered unsubscribe link, one-click": Case(
        "POST", "/unsubscribe/{unsubscribe:tampered}/", {"List-Unsubscribe": "One-Click"}
    ),
    "truncated unsubscribe link, one-click": Case(
        "POST", "/unsubscribe/{unsubscribe:truncated}/", {"List-Unsubscribe": "One-Click"}
    ),
    "preferences link used to unsubscribe": Case(
        "POST", "/unsubscribe/{preferences}/", {"List-Unsubscribe": "One-Click"}
    ),
    "10,000-character unsubscribe token": Case("GET", "/unsubscribe/" + LONG + "/"),
    "unsubscribe with an unknown action": Case(
        "POST", "/unsubscribe/{unsubscribe}/", {"action": "delete-everything"}
    ),
    "pause for 3 weeks from the unsubscribe page": Case(
        "POST", "/unsubscribe/{unsubscribe}/", {"action": "pause", "weeks": "3"}
    ),
    "DELETE to unsubscribe": Case("DELETE", "/unsubscribe/{unsubscribe}/", status=405),
    "tampered preferences link": Case("GET", "/preferences/{preferences:tampered}/"),
    "truncated preferences link, save": Case(
        "POST", "/preferences/{preferences:truncated}/", {"first_name": "Eve"}
    ),
    "preferences name with CR/LF": Case(
        "POST", "/preferences/{preferences}/", {"first_name": "Eve\r\nBcc: x@evil.test"}
    ),
    "preferences name of 10,000 characters": Case(
        "POST", "/preferences/{preferences}/", {"first_name": LONG}
    ),
    "preferences unknown topic": Case(
        "POST", "/preferences/{preferences}/", {"audiences": ["999999"]}
    ),
    "preferences unknown time zone": Case(
        "POST", "/preferences/{preferences}/", {"time_zone": "Mars/Olympus_Mons"}
    ),
    "preferences pause for 3 weeks": Case(
        "POST", "/preferences/{preferences}/", {"action": "pause", "weeks": "3"}
    ),
    "preferences unknown action": Case(
        "POST", "/preferences/{preferences}/", {"action": "erase-all"}
    ),
    "tampered delete link, page": Case("GET", "/preferences/{preferences:tampered}/delete/"),
    "tampered delete link, button": Case("POST", "/preferences/{preferences:tampered}/delete/"),
    "unsubscribe link used to delete": Case("POST", "/preferences/{unsubscribe}/delete/"),
    "tampered download link": Case("GET", "/preferences/{preferences:tampered}/data.json"),
    "truncated download link": Case("GET", "/preferences/{preferences:truncated}/data.json"),
    "download by POST sends only a fresh link": Case(
        "POST", "/preferences/{preferences}/data.json", status=200, mails=1
    ),
    "preferences link used to erase": Case(
        "POST", "/data/{preferences}/", {"action": "erase"}, status=410
    ),
    "tampered data link": Case(
        "POST", "/data/{preferences:tampered}/", {"action": "download"}, status=410
    ),
}


def expand(path: str, links: dict) -> str:
    for purpose, token in links.items():
        path = path.replace(f"{{{purpose}}}", token)
        path = path.replace(f"{{{purpose}:tampered}}", tamper(token))
        path = path.replace(f"{{{purpose}:truncated}}", token[:-7])
    forged = signing.dumps({"s": "1"}, salt=tokens.CONFIRM, compress=True)
    return path.replace("{forged_text_id}", forged)


def tamper(token: str) -> str:
    last = "A" if token[-1] != "A" else "B"
    return token[:-1] + last


def send(http: Client, case: Case, path: str):
    headers = {"Accept": "application/json", **case.headers}
    if case.json_body:
        body = json.dumps(case.data)
        return http.generic(
            case.method, path, body, content_type="application/json", headers=headers
        )
    if case.content_type:
        body = case.data.encode("utf-8", "surrogateescape")
        return http.generic(
            case.method, path, body, content_type=case.content_type, headers=headers
        )
    call = getattr(http, case.method.lower())
    if case.method == "POST":
        return call(path, case.data or {}, headers=headers)
    return call(path, headers=headers)


def counts() -> dict:
    return {
        "subscribers": Subscriber.objects.count(),
        "events": ConsentEvent.objects.count(),
        "memberships": Membership.objects.count(),
        "suppressions": Suppression.objects.count(),
    }


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_hostile_or_malformed_submission_changes_exactly_what_it_should(
    case, links, active_subscriber, outbox, django_capture_on_commit_callbacks
):
    before, mails_before = counts(), len(outbox)
    http = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(http, case, expand(case.path, links))
    assert response.status_code == case.status, response.content[:300]
    after = counts()
    assert after["subscribers"] == before["subscribers"] + (1 if case.new else 0)
    assert after["events"] == before["events"] + case.events
    assert after["memberships"] == before["memberships"]
    assert after["suppressions"] == before["suppressions"]
    assert len(outbox) == mails_before + case.mails
    active_subscriber.refresh_from_db()
    assert active_subscriber.status == case.active_status
    assert active_subscriber.first_name == "Ada"
    if case.new:
        assert_new_pending(case)


def assert_new_pending(case: Case) -> None:
    subscriber = Subscriber.objects.get(email_key=case.new.casefold())
    assert subscriber.status == "pending"
    assert not subscriber.audiences.exists()
    if case.check:
        name, value = case.check
        assert getattr(subscriber, name) == value


def test_the_table_has_at_least_forty_cases():
    assert len(CASES) >= 40
