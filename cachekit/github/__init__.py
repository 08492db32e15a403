"""GitHub Actions as a CI platform: workflow files, contexts, matrix, needs, reusable workflows
and composite actions, walked the way a run would; the result is platform-neutral job, step and
cache records (:mod:`cachekit.explain.model`).

Kept small on purpose: other modules of this package (triggers, conditions) are imported by
name, not re-exported here.
"""
