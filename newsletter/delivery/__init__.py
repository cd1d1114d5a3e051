"""The ledger, sending, failures, send rate, ESP events. Imports: mail, sequences, subscribers."""
