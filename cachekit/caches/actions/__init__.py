"""One module per caching action (``actions/cache``, the setup actions' built-in caches)."""
