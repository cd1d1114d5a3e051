"""Running it in production: shared counters, Prometheus metrics, health checks, structured logs."""
