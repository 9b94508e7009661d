"""logdesk: a desktop log analyzer on Apache Spark."""

__version__ = "0.1.0"
