"""training tab: views."""
