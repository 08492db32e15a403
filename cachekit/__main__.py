"""``python -m cachekit``."""

from .cli import main

main()
