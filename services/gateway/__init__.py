"""The gateway: HTTP/JSON API, French pages and the PSC login, in front of the five gRPC services."""
