"""Every output format of every command: results in, text out. Nothing here computes.

``text`` (people), ``findings`` (check: text, JSON, SARIF, GitHub annotations), ``suggest``
(paste-ready YAML), ``html`` (predict's self-contained report).
"""
