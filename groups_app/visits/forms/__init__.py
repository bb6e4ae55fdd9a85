"""The home-visit forms, one module per area."""
