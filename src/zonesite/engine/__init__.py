"""Change tracking, the cache, staging and the atomic swap: what makes a build write only what changed."""
