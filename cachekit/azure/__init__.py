"""Azure Pipelines: ``azure-pipelines.yml`` (:mod:`.config`), the agent's key fingerprint
(:mod:`.fingerprint`), the adapter to the platform-neutral records (:mod:`.explain`)."""

from .config import AzureConfig, AzureJob, load_config
from .explain import AzureOptions, explain_azure

__all__ = ["AzureConfig", "AzureJob", "AzureOptions", "explain_azure", "load_config"]
