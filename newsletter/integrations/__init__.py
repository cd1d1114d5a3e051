"""Other tools' wire formats: booking tools' webhooks (Calendly, Cal.com). Imports: nothing."""
