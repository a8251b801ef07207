"""Officines, effecteurs, attachments and their history, identifier checks, migration import."""
