"""Shared runtime of every vaxorders service: settings, logging, errors, gRPC
server and client plumbing, database access, clock. Nothing domain-specific."""
