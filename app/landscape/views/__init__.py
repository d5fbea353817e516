"""landscape tab: views."""
