"""Many repositories: `bulk`, its outcomes and overview, and git commits."""
