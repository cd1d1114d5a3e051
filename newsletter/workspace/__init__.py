"""The therapist's workspace at /workspace/: thin views over domain code. Imports: any domain."""
