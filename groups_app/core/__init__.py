"""Shared by every feature and depending on none of them."""
