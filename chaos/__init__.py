"""make chaos: the real processes under write load and faults (see __main__.py)."""
