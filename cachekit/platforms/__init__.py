"""What the non-GitHub CI platforms share: which platform a repository uses, the bounded YAML
loader, variable expansion into key parts, file fingerprints and the lookup rules the
simulator core is driven with. Each platform lives in its own package beside ``github/``:
:mod:`cachekit.gitlab`, :mod:`cachekit.circleci`, :mod:`cachekit.azure`."""

from .detect import PLATFORMS, Platform, detect_platforms, resolve_platform

__all__ = ["PLATFORMS", "Platform", "detect_platforms", "resolve_platform"]
