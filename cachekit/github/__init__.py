"""GitHub Actions as a CI platform: what triggers a workflow, which jobs and steps run.

Modules here read GitHub's own rules (workflow triggers and their filters, ``if:``
conditions); the platform-neutral parts (trees, hashing, the cache service) live elsewhere.
"""
