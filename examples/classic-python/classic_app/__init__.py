"""A tiny application whose CI caches its Python environment."""
