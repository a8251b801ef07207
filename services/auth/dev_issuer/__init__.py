"""A local ProSantéConnect-compatible OpenID Connect issuer, for development and tests."""
