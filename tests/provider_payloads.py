"""Provider webhook payloads for the tests, one builder per provider, each in the shape that
provider documents for its tracking webhook."""

import json

from .providers import MESSAGE_ID, READER


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
