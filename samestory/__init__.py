"""samestory: find every copy, near-copy, excerpt and rewrite of an article in a crawl."""

__version__ = "0.1.0"

from .config import ConfigError, Settings  # noqa: E402
from .pipeline import RunResult, run  # noqa: E402

__all__ = ["run", "Settings", "RunResult", "ConfigError", "__version__"]
