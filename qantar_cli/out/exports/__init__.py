"""Exports: the knowledge base for other tools (SPEC, "Exports")."""
