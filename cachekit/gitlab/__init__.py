"""GitLab CI: ``.gitlab-ci.yml`` read as GitLab reads it (:mod:`.config`), its cache key
algorithm (:mod:`.keys`), the adapter to the platform-neutral records (:mod:`.explain`)."""

from .config import GitLabConfig, Job, load_config
from .explain import GitLabOptions, explain_gitlab
from .variables import RunModel

__all__ = ["GitLabConfig", "GitLabOptions", "Job", "RunModel", "explain_gitlab", "load_config"]
