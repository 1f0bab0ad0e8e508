"""copydesk: a source-bias and attribution checker for news drafts."""
__version__ = "0.1.0"
