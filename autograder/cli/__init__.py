"""Command-line and in-notebook entry points."""
