"""The one email funnel, previews, outbox; decides nothing. Imports: models, subscribers tokens."""
