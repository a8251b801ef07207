"""Sessions service: product catalogue, order sessions, service calendar, quota tables."""
