"""training tab: panels."""
