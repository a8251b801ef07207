"""HTTP/JSON API under /api/v1: a route table mirroring the gRPC resources."""
