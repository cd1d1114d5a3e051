"""Command-line adapters: commands/, the demo, `make run`'s runner. Imports: any domain package."""
