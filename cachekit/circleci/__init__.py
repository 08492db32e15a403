"""CircleCI: ``.circleci/config.yml`` read with commands, executors and matrix jobs
(:mod:`.config`), its key templates (:mod:`.keys`), the adapter to the platform-neutral
records (:mod:`.explain`)."""

from .config import CircleConfig, CircleJob, load_config
from .explain import CircleOptions, explain_circleci

__all__ = ["CircleConfig", "CircleJob", "CircleOptions", "explain_circleci", "load_config"]
