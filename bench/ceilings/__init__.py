"""The machine's own ceilings: what this Python, this gRPC, this HTTP stack and this
database can do at all on this machine, with none of our business logic."""
