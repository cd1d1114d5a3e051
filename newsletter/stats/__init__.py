"""The numbers the therapist sees. Imports: models and sequences.attribution only."""
