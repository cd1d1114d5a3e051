"""Every provider's tracking events, posted as the provider posts them, reach the ledger and the
reader as they should: delivered, soft or hard bounce, complaint, unsubscribe, or a refusal
that is the sender's doing and leaves the reader alone."""

import json
from dataclasses import dataclass

import pytest

from newsletter.models import (
    Broadcast,
    ConsentEvent,
    Delivery,
    Enrollment,
    Sequence,
    Subscriber,
    Suppression,
)
from newsletter.sequences import broadcasts

from .providers import MESSAGE_ID, NOON, READER, configure, sent_row
from .sequencing import make_subscriber, run_pass


@dataclass(frozen=True)
class Effect:
    event: str = ""  # Delivery.event
    status: str = "sent"  # Delivery.status
    reader: str = "active"  # Subscriber.status
    suppressed: str = ""  # Suppression.reason
    exit: str = ""  # Enrollment.exit_reason
    consent: tuple = ()  # new ConsentEvents, (kind, channel)
    failures: int = 0  # the sequence's consecutive failures


DELIVERED = Effect(event="delivered")
SOFT = Effect(event="soft_bounced")
HARD = Effect(event="bounced", reader="bounced", suppressed="bounced", exit="bounced")
REFUSED_HARD = Effect(**{**HARD.__dict__, "status": "failed"})
COMPLAINT = Effect(
    event="complained",
    reader="complained",
    suppressed="complained",
    exit="complained",
    consent=(("unsubscribed", "spam complaint"),),
)
REFUSED_COMPLAINT = Effect(**{**COMPLAINT.__dict__, "status": "failed"})
UNSUBSCRIBED = Effect(
    reader="unsubscribed", exit="unsubscribed", consent=(("unsubscribed", "email provider"),)
)
REFUSED_UNSUBSCRIBED = Effect(**{**UNSUBSCRIBED.__dict__, "status": "failed"})
SENDER_FAULT = Effect(status="failed", failures=1)
NOTHING = Effect()


@pytest.fixture
def sent(audience, outbox, django_capture_on_commit_callbacks) -> Delivery:
    return sent_row(audience, django_capture_on_commit_callbacks)


def effect_on(row: Delivery, consent_after: int) -> Effect:
    row.refresh_from_db()
    reader = row.subscriber
    reader.refresh_from_db()
    consent = ConsentEvent.objects.filter(subscriber=reader, pk__gt=consent_after)
    return Effect(
        event=row.event,
        status=row.status,
        reader=reader.status,
        suppressed=Suppression.objects.values_list("reason", flat=True).first() or "",
        exit=Enrollment.objects.get(subscriber=reader).exit_reason,
        consent=tuple(consent.order_by("pk").values_list("kind", "channel")),
        failures=Sequence.objects.get(pk=row.step.sequence_id).consecutive_failures,
    )


def last_consent() -> int:
    return ConsentEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# Payloads, one builder per provider, in the shape each provider documents for its webhook.


def postmark(row, record="Bounce", **fields):
    base = {
        "RecordType": record,
        "ServerID": 23,
        "MessageStream": "broadcast",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {"delivery_id": str(row.pk)},
        "Tag": "",
    }
    if record == "Delivery":
        base |= {"Recipient": READER, "DeliveredAt": "2026-11-03T17:05:00Z", "Details": "OK"}
    elif record == "SubscriptionChange":
        base |= {"Recipient": READER, "ChangedAt": "2026-11-03T17:05:00Z", "Origin": "Recipient"}
    else:
        base |= {
            "ID": 4323372036854775807,
            "Email": READER,
            "BouncedAt": "2026-11-03T17:05:00Z",
            "Description": "The server was unable to deliver your message.",
            "Details": "smtp;550 5.1.1 The email account does not exist.",
            "Inactive": True,
        }
    return base | fields


def mailgun(row, event, **fields):
    data = {
        "event": event,
        "id": "G9Bn5sl1TC6nu79C8C0bwg",
        "timestamp": 1793725500.0,
        "recipient": READER,
        "tags": [],
        "user-variables": {"delivery_id": str(row.pk)},
        "message": {
            "headers": {
                "to": READER,
                "message-id": "20261103170500.1.ABCDEF@mg.example.com",
                "from": "Practice <news@mg.example.com>",
                "subject": "Step 1",
            }
        },
        "delivery-status": {"code": 250, "message": "OK", "description": ""},
    }
    return {"event-data": data | fields}


def sendgrid(row, event, **fields):
    return [
        {
            "email": READER,
            "timestamp": 1793725500,
            "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>",
            "event": event,
            "category": [],
            "sg_event_id": "sg_event_id_1",
            "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
            "delivery_id": str(row.pk),  # the message's custom_args, merged into the event
        }
        | fields
    ]


def ses(row, event_type, detail):
    mail = {
        "timestamp": "2026-11-03T17:00:00.000Z",
        "source": "news@example.com",
        "messageId": MESSAGE_ID,
        "destination": [READER],
        "headersTruncated": False,
        "headers": [{"name": "X-Metadata", "value": json.dumps({"delivery_id": str(row.pk)})}],
    }
    return {"eventType": event_type, "mail": mail, event_type.lower(): detail}


def ses_bounce(row, bounce_type, subtype):
    return ses(
        row,
        "Bounce",
        {
            "bounceType": bounce_type,
            "bounceSubType": subtype,
            "bouncedRecipients": [
                {"emailAddress": READER, "diagnosticCode": "smtp; 550 5.1.1 user unknown"}
            ],
            "timestamp": "2026-11-03T17:05:00.000Z",
            "feedbackId": "0100017e-bounce",
        },
    )


def brevo(row, event, **fields):
    return {
        "event": event,
        "email": READER,
        "id": 1515,
        "date": "2026-11-03 18:05:00",
        "ts": 1793725500,
        "ts_epoch": 1793725500000,
        "message-id": "<202611031700.12345@smtp-relay.mailin.fr>",
        "subject": "Step 1",
        "X-Mailin-custom": json.dumps({"delivery_id": str(row.pk)}),
    } | fields


def mailjet(row, event, **fields):
    return {
        "event": event,
        "time": 1793725500,
        "MessageID": 19421777835146490,
        "Message_GUID": "1ab23cd4-e567-8901-2345-6789f0gh1i2j",
        "email": READER,
        "mj_campaign_id": 0,
        "mj_contact_id": 100,
        "customcampaign": "",
        "Payload": json.dumps({"delivery_id": str(row.pk)}),
    } | fields


def mailersend(row, activity, morph=None):
    return {
        "type": f"activity.{activity}",
        "created_at": "2026-11-03T17:05:00.000000Z",
        "webhook_id": "2351ndgwr4zqx8ko",
        "data": {
            "object": "activity",
            "id": "62f114f8165fe0d8db0288e3",
            "type": activity,
            "created_at": "2026-11-03T17:05:00.000000Z",
            "email": {
                "object": "email",
                "id": "62f114f7165fe0d8db0288e2",
                "status": "rejected" if "bounce" in activity else "delivered",
                "tags": None,
                "message": {"object": "message", "id": MESSAGE_ID},
                "recipient": {"object": "recipient", "id": "62c69be9", "email": READER},
            },
            "morph": morph,
        },
    }


def sparkpost(row, event_type, event_class="message_event", **fields):
    event = {
        "type": event_type,
        "event_id": "92356927693813856",
        "timestamp": "1793725500",
        "transmission_id": MESSAGE_ID,
        "message_id": "000443ee14578172be22",
        "raw_rcpt_to": READER,
        "rcpt_to": READER,
        "rcpt_meta": {"delivery_id": str(row.pk)},
        "campaign_id": "",
    }
    return [{"msys": {event_class: event | fields}}]


def sparkpost_bounce(row, bounce_class):
    reason = f"5{bounce_class[:1]}0 bounce class {bounce_class}"
    return sparkpost(row, "bounce", bounce_class=bounce_class, raw_reason=reason)


def resend(row, kind, **data):
    return {
        "type": f"email.{kind}",
        "created_at": "2026-11-03T17:05:00.000Z",
        "data": {
            "created_at": "2026-11-03T17:00:00.000Z",
            "email_id": MESSAGE_ID,
            "from": "Practice <news@example.com>",
            "to": [READER],
            "subject": "Step 1",
        }
        | data,
    }


def postal(row, event, **payload):
    message = {
        "id": int(MESSAGE_ID),
        "token": "VJzsFA0S",
        "direction": "outgoing",
        "message_id": "5fb8a2b4-aa2c@example.com",
        "to": READER,
        "from": "news@example.com",
        "subject": "Step 1",
        "timestamp": 1793725200.0,
        "tag": None,
    }
    body = {"message": message} | payload
    if event == "MessageBounced":
        body = {"original_message": message, "bounce": {"id": 12346, "to": "news@example.com"}}
    return {"event": event, "timestamp": 1793725500.0, "uuid": "a1b2c3d4", "payload": body}


def mandrill(row, event, **msg):
    return [
        {
            "event": event,
            "_id": MESSAGE_ID,
            "ts": 1793725500,
            "msg": {
                "ts": 1793725200,
                "_id": MESSAGE_ID,
                "state": "sent",
                "subject": "Step 1",
                "email": READER,
                "sender": "news@example.com",
                "tags": [],
                "metadata": {"delivery_id": str(row.pk)},
                "smtp_events": [],
                "_version": "exampleaaaaaaaaaaaaaaa",
            }
            | msg,
        }
    ]


def mailtrap(row, event, **fields):
    return {
        "events": [
            {
                "event": event,
                "message_id": MESSAGE_ID,
                "sending_stream": "bulk",
                "email": READER,
                "timestamp": 1793725500,
                "event_id": "c8b6b3e2-6b0e-4fd4",
                "custom_variables": {"delivery_id": str(row.pk)},
            }
            | fields
        ]
    }


def unisender(row, status, delivery_status="", **fields):
    data = {
        "job_id": "1a3Q2V-0000OZ-S0",
        "metadata": {"delivery_id": str(row.pk)},
        "email": READER,
        "status": status,
        "event_time": "2026-11-03 17:05:00",
        "delivery_info": {"delivery_status": delivery_status, "destination_response": ""},
    }
    event = {"event_name": "transactional_email_status", "event_data": data | fields}
    return {"events_by_user": [{"user_id": 456, "project_id": "6432890", "events": [event]}]}


MAILGUN_SANDBOX = (
    "Sandbox subdomains are for test purposes only. Please add your own domain or add the "
    "address to authorized recipients in Account Settings."
)
BOUNCED_550 = {"code": 550, "message": "5.1.1 The email account does not exist", "description": ""}

CASES = {
    "postmark": [
        ("delivery", lambda row: postmark(row, "Delivery"), DELIVERED),
        ("hard bounce", lambda row: postmark(row, Type="HardBounce", TypeCode=1), HARD),
        ("soft bounce", lambda row: postmark(row, Type="SoftBounce", TypeCode=4096), SOFT),
        ("transient", lambda row: postmark(row, Type="Transient", TypeCode=2), NOTHING),
        (
            "spam complaint",
            lambda row: postmark(row, "SpamComplaint", Type="SpamComplaint", TypeCode=512),
            COMPLAINT,
        ),
        (
            "unsubscribe",
            lambda row: postmark(
                row,
                "SubscriptionChange",
                SuppressSending=True,
                SuppressionReason="ManualSuppression",
            ),
            UNSUBSCRIBED,
        ),
        (
            "deactivated address",
            lambda row: postmark(row, Type="ManuallyDeactivated", TypeCode=16),
            REFUSED_HARD,
        ),
        ("ISP block", lambda row: postmark(row, Type="Blocked", TypeCode=100000), SENDER_FAULT),
        (
            "DMARC policy",
            lambda row: postmark(row, Type="DMARCPolicy", TypeCode=100009),
            SENDER_FAULT,
        ),
    ],
    "mailgun": [
        ("delivered", lambda row: mailgun(row, "delivered"), DELIVERED),
        (
            "permanent failure",
            lambda row: mailgun(
                row,
                "failed",
                severity="permanent",
                reason="bounce",
                **{"delivery-status": BOUNCED_550},
            ),
            HARD,
        ),
        (
            "temporary failure",
            lambda row: mailgun(row, "failed", severity="temporary", reason="generic"),
            NOTHING,
        ),
        (
            "sandbox rejection",
            lambda row: mailgun(
                row, "rejected", reject={"reason": MAILGUN_SANDBOX, "description": ""}
            ),
            SENDER_FAULT,
        ),
        (
            "suppressed unsubscribe",
            lambda row: mailgun(row, "failed", severity="permanent", reason="suppress-unsubscribe"),
            UNSUBSCRIBED,
        ),
        ("complained", lambda row: mailgun(row, "complained"), COMPLAINT),
        ("unsubscribed", lambda row: mailgun(row, "unsubscribed"), UNSUBSCRIBED),
    ],
    "sendgrid": [
        ("delivered", lambda row: sendgrid(row, "delivered", response="250 OK"), DELIVERED),
        (
            "bounce",
            lambda row: sendgrid(row, "bounce", type="bounce", status="5.1.1", reason="550 5.1.1"),
            HARD,
        ),
        (
            "blocked",
            lambda row: sendgrid(row, "bounce", type="blocked", status="5.7.1", reason="550 5.7.1"),
            SOFT,
        ),
        ("deferred", lambda row: sendgrid(row, "deferred", attempt="1"), NOTHING),
        (
            "dropped unsubscribed",
            lambda row: sendgrid(row, "dropped", reason="Unsubscribed Address", status="5.0.0"),
            REFUSED_UNSUBSCRIBED,
        ),
        (
            "dropped bounced",
            lambda row: sendgrid(row, "dropped", reason="Bounced Address", status="5.0.0"),
            REFUSED_HARD,
        ),
        (
            "dropped spam reporter",
            lambda row: sendgrid(row, "dropped", reason="Spam Reporting Address", status="5.0.0"),
            REFUSED_COMPLAINT,
        ),
        (
            "dropped bad header",
            lambda row: sendgrid(row, "dropped", reason="Invalid SMTPAPI header", status="5.0.0"),
            SENDER_FAULT,
        ),
        ("spam report", lambda row: sendgrid(row, "spamreport"), COMPLAINT),
        ("unsubscribe", lambda row: sendgrid(row, "unsubscribe"), UNSUBSCRIBED),
    ],
    "amazon_ses": [
        (
            "delivery",
            lambda row: ses(row, "Delivery", {"recipients": [READER], "smtpResponse": "250 ok"}),
            DELIVERED,
        ),
        ("permanent bounce", lambda row: ses_bounce(row, "Permanent", "General"), HARD),
        ("transient bounce", lambda row: ses_bounce(row, "Transient", "MailboxFull"), SOFT),
        ("undetermined bounce", lambda row: ses_bounce(row, "Undetermined", "Undetermined"), SOFT),
        (
            "complaint",
            lambda row: ses(
                row,
                "Complaint",
                {
                    "complainedRecipients": [{"emailAddress": READER}],
                    "complaintFeedbackType": "abuse",
                },
            ),
            COMPLAINT,
        ),
        ("bad content", lambda row: ses(row, "Reject", {"reason": "Bad content"}), SENDER_FAULT),
    ],
    "brevo": [
        ("delivered", lambda row: brevo(row, "delivered"), DELIVERED),
        ("hard bounce", lambda row: brevo(row, "hard_bounce", reason="550 5.1.1 unknown"), HARD),
        ("soft bounce", lambda row: brevo(row, "soft_bounce", reason="452 4.2.2 full"), SOFT),
        ("invalid email", lambda row: brevo(row, "invalid_email"), HARD),
        ("blocked contact", lambda row: brevo(row, "blocked", reason="blocked"), REFUSED_HARD),
        ("spam", lambda row: brevo(row, "spam"), COMPLAINT),
        ("unsubscribe", lambda row: brevo(row, "unsubscribe"), UNSUBSCRIBED),
        ("error", lambda row: brevo(row, "error", reason="sender not valid"), SENDER_FAULT),
    ],
    "mailjet": [
        ("sent", lambda row: mailjet(row, "sent", smtp_reply="250 OK queued"), DELIVERED),
        (
            "hard bounce",
            lambda row: mailjet(
                row, "bounce", hard_bounce=True, error_related_to="recipient", error="user unknown"
            ),
            HARD,
        ),
        (
            "soft bounce",
            lambda row: mailjet(
                row,
                "bounce",
                hard_bounce=False,
                error_related_to="recipient",
                error="quota exceeded",
            ),
            SOFT,
        ),
        (
            "blocked unknown user",
            lambda row: mailjet(row, "blocked", error_related_to="recipient", error="user unknown"),
            REFUSED_HARD,
        ),
        (
            "blocked preblocked",
            lambda row: mailjet(row, "blocked", error_related_to="mailjet", error="preblocked"),
            REFUSED_HARD,
        ),
        (
            "blocked content",
            lambda row: mailjet(row, "blocked", error_related_to="spam", error="content blocked"),
            SENDER_FAULT,
        ),
        ("spam", lambda row: mailjet(row, "spam", source="JMRPP"), COMPLAINT),
        ("unsub", lambda row: mailjet(row, "unsub", mj_list_id=1), UNSUBSCRIBED),
    ],
    "mailersend": [
        ("delivered", lambda row: mailersend(row, "delivered"), DELIVERED),
        (
            "hard bounce",
            lambda row: mailersend(
                row, "hard_bounced", {"object": "recipient_bounce", "reason": "Unknown user"}
            ),
            HARD,
        ),
        (
            "soft bounce",
            lambda row: mailersend(
                row, "soft_bounced", {"object": "recipient_bounce", "reason": "Mailbox full"}
            ),
            SOFT,
        ),
        (
            "spam complaint",
            lambda row: mailersend(row, "spam_complaint", {"object": "spam_complaint"}),
            COMPLAINT,
        ),
        (
            "unsubscribed",
            lambda row: mailersend(
                row, "unsubscribed", {"object": "recipient_unsubscribe", "reason": "NO_LONGER_WANT"}
            ),
            UNSUBSCRIBED,
        ),
    ],
    "sparkpost": [
        ("delivery", lambda row: sparkpost(row, "delivery"), DELIVERED),
        ("invalid recipient (10)", lambda row: sparkpost_bounce(row, "10"), HARD),
        ("generic no RCPT (30)", lambda row: sparkpost_bounce(row, "30"), HARD),
        *[
            (f"soft class {code}", lambda row, code=code: sparkpost_bounce(row, code), SOFT)
            for code in ("20", "21", "22", "23", "24", "70")
        ],
        ("mail block (50)", lambda row: sparkpost_bounce(row, "50"), SOFT),
        ("spam block (51)", lambda row: sparkpost_bounce(row, "51"), SOFT),
        (
            "out of band",
            lambda row: sparkpost(row, "out_of_band", bounce_class="10", raw_reason="550 5.1.1"),
            HARD,
        ),
        (
            "spam complaint",
            lambda row: sparkpost(row, "spam_complaint", "message_event", fbtype="abuse"),
            COMPLAINT,
        ),
        (
            "policy rejection",
            lambda row: sparkpost(
                row, "policy_rejection", bounce_class="25", raw_reason="550 5.7.1 Unconfigured"
            ),
            SENDER_FAULT,
        ),
        (
            "list unsubscribe",
            lambda row: sparkpost(row, "list_unsubscribe", "unsubscribe_event"),
            UNSUBSCRIBED,
        ),
    ],
    "resend": [
        ("delivered", lambda row: resend(row, "delivered"), DELIVERED),
        (
            "permanent bounce",
            lambda row: resend(
                row,
                "bounced",
                bounce={
                    "message": "The recipient's email provider sent a hard bounce message.",
                    "type": "Permanent",
                    "subType": "General",
                },
            ),
            HARD,
        ),
        (
            "transient bounce",
            lambda row: resend(
                row,
                "bounced",
                bounce={
                    "message": "The recipient's email provider sent a bounce message because "
                    "the recipient's inbox was full.",
                    "type": "Transient",
                    "subType": "MailboxFull",
                },
            ),
            SOFT,
        ),
        (
            "bounced by its suppression list",
            lambda row: resend(
                row,
                "bounced",
                bounce={
                    "message": "Resend has suppressed sending to this address because it is on "
                    "the account-level suppression list.",
                    "type": "Permanent",
                    "subType": "Suppressed",
                },
            ),
            HARD,
        ),
        (
            "suppressed",
            lambda row: resend(
                row,
                "suppressed",
                suppressed={"message": "The address is suppressed.", "type": "bounced"},
            ),
            HARD,
        ),
        ("complained", lambda row: resend(row, "complained"), COMPLAINT),
        ("delivery delayed", lambda row: resend(row, "delivery_delayed"), NOTHING),
    ],
    "postal": [
        ("sent", lambda row: postal(row, "MessageSent", status="Sent", output="250 OK"), DELIVERED),
        (
            "delivery failed",
            lambda row: postal(
                row,
                "MessageDeliveryFailed",
                status="HardFail",
                details="Permanent SMTP delivery error when sending to mx.example.com",
                output="550 5.1.1 user unknown",
            ),
            Effect(**{**HARD.__dict__, "status": "failed"}),
        ),
        (
            "delayed",
            lambda row: postal(row, "MessageDelayed", status="SoftFail", output="451 try later"),
            NOTHING,
        ),
        ("bounced", lambda row: postal(row, "MessageBounced"), HARD),
    ],
    "mandrill": [
        (
            "hard bounce",
            lambda row: mandrill(row, "hard_bounce", state="bounced", diag="smtp;550 5.1.1"),
            HARD,
        ),
        (
            "soft bounce",
            lambda row: mandrill(row, "soft_bounce", state="soft-bounced", diag="452 4.2.2 full"),
            SOFT,
        ),
        ("deferral", lambda row: mandrill(row, "deferral", state="deferred"), NOTHING),
        ("spam", lambda row: mandrill(row, "spam"), COMPLAINT),
        ("unsub", lambda row: mandrill(row, "unsub"), UNSUBSCRIBED),
        ("reject", lambda row: mandrill(row, "reject", state="rejected"), SENDER_FAULT),
    ],
    "mailtrap": [
        ("delivery", lambda row: mailtrap(row, "delivery"), DELIVERED),
        (
            "bounce",
            lambda row: mailtrap(
                row, "bounce", response="550 5.1.1 no such user", response_code=550
            ),
            HARD,
        ),
        ("soft bounce", lambda row: mailtrap(row, "soft bounce", response_code=451), NOTHING),
        ("spam", lambda row: mailtrap(row, "spam"), COMPLAINT),
        ("unsubscribe", lambda row: mailtrap(row, "unsubscribe"), UNSUBSCRIBED),
        (
            "reject",
            lambda row: mailtrap(row, "reject", reason="sending domain not verified"),
            SENDER_FAULT,
        ),
    ],
    "unisender_go": [
        ("delivered", lambda row: unisender(row, "delivered"), DELIVERED),
        ("unknown user", lambda row: unisender(row, "hard_bounced", "err_user_unknown"), HARD),
        ("mailbox full", lambda row: unisender(row, "hard_bounced", "err_mailbox_full"), SOFT),
        ("will retry", lambda row: unisender(row, "soft_bounced", "err_will_retry"), NOTHING),
        ("spam", lambda row: unisender(row, "spam"), COMPLAINT),
        ("unsubscribed", lambda row: unisender(row, "unsubscribed"), UNSUBSCRIBED),
    ],
}


@pytest.mark.parametrize(
    ("esp", "payload", "effect"),
    [
        pytest.param(esp, payload, effect, id=f"{esp}: {name}")
        for esp, cases in CASES.items()
        for name, payload, effect in cases
    ],
)
def test_each_provider_event_has_its_effect_on_the_ledger_and_the_reader(
    client, settings, sent, esp, payload, effect
):
    provider = configure(settings, esp)
    before = last_consent()
    response = provider.post(client, payload(sent))
    assert response.status_code == 200, response.content
    assert effect_on(sent, before) == effect


@pytest.mark.parametrize("esp", list(CASES))
def test_a_forged_event_changes_nothing_and_is_answered_as_a_client_error(
    client, settings, sent, esp
):
    provider = configure(settings, esp)
    hard_bounce = next(payload for name, payload, effect in CASES[esp] if effect == HARD)
    before = last_consent()
    response = provider.post(client, hard_bounce(sent), forged=True)
    assert 400 <= response.status_code < 500
    assert effect_on(sent, before) == NOTHING


def test_a_sender_side_refusal_of_a_whole_broadcast_pauses_it_and_suppresses_nobody(
    client, settings, audience, django_capture_on_commit_callbacks
):
    settings.SEND_AUTO_PAUSE_AFTER = 3
    provider = configure(settings, "amazon_ses")
    readers = [make_subscriber(audience, f"p{n}@example.com") for n in range(4)]
    broadcast = Broadcast.objects.create(slug="autumn", subject="Autumn letter", body="Hello.")
    broadcast.audiences.add(audience)
    broadcasts.schedule(broadcast, NOON)
    run_pass(django_capture_on_commit_callbacks, NOON)
    rows = list(Delivery.objects.filter(broadcast=broadcast).order_by("pk"))
    for row in rows[:3]:
        payload = ses(row, "Reject", {"reason": "Bad content"})
        payload["mail"]["destination"] = [row.subscriber.email]
        payload["mail"]["messageId"] = f"ses-{row.pk}"
        assert provider.post(client, payload).status_code == 200
    broadcast.refresh_from_db()
    assert broadcast.status == "paused" and "Bad content" in broadcast.paused_reason
    assert not Suppression.objects.exists()
    assert {
        reader.status for reader in Subscriber.objects.filter(pk__in=[r.pk for r in readers])
    } == {"active"}
    assert [row.status for row in Delivery.objects.filter(pk__in=[r.pk for r in rows[:3]])] == [
        "failed"
    ] * 3
