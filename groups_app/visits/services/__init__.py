"""The home-visit rules: plain functions that take the acting user, one module per area."""
