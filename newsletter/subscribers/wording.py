"""The shipped words of the subscribe journey, used wherever the practice left its own empty."""

THANKS = "Thank you. Please check your inbox for an email asking you to confirm."
CONFIRMED = "Thank you for confirming. You will hear from us soon."
UNSUBSCRIBED = "Thank you for reading."
PAUSED = "Then the series continues where it left off."

DEFAULTS = {
    "confirmation_subject": "Please confirm your subscription to (your practice name)",
    "confirmation_text": "Please confirm that you would like to receive educational emails "
    "from (your practice name) about (the topics chosen).",
    "thanks_text": THANKS,
    "confirmed_text": CONFIRMED,
    "unsubscribed_text": UNSUBSCRIBED,
    "paused_text": PAUSED,
}
