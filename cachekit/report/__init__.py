"""Reports a person opens rather than reads in a terminal: one self-contained HTML file each.

A report must open anywhere — attached to a CI run, mailed, opened offline years later — so
everything it needs (CSS, the SVG chart) is inline and nothing is fetched.
"""

from __future__ import annotations

from .html import render_predict_html

__all__ = ["render_predict_html"]
