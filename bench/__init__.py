"""Measuring the product (docs/performance.md): scripts run from the
repository's root, and the load-data generator (``bench.generator``), a
development-only app the production settings never install."""
