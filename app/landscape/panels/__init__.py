"""landscape tab: panels."""
