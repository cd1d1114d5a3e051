"""What each provider's tracking events must do to the ledger and the reader, per provider."""

from .provider_effects import (
    COMPLAINT,
    DELIVERED,
    HARD,
    NOTHING,
    REFUSED_COMPLAINT,
    REFUSED_HARD,
    REFUSED_UNSUBSCRIBED,
    SENDER_FAULT,
    SOFT,
    UNSUBSCRIBED,
    Effect,
)
from .provider_payloads import (
    brevo,
    mailersend,
    mailgun,
    mailjet,
    mailtrap,
    mandrill,
    postal,
    postmark,
    resend,
    sendgrid,
    ses,
    ses_bounce,
    sparkpost,
    sparkpost_bounce,
    unisender,
)
from .providers import READER

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
