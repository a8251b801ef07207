"""Browser-facing plumbing of the gateway: web sessions, cookies, CSRF."""
