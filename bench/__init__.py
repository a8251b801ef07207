"""`make bench`: replay the Monday 08:00 opening rush against the real services and
measure it against this machine's own ceilings (bare gRPC, bare HTTP, the database
alone). See docs/benchmarks.md for what is measured, how, and the latest figures."""
