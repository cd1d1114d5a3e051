"""Other tools' wire formats: booking webhooks in, the REST API's tokens, signed webhooks out."""
