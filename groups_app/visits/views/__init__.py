"""The home-visit pages, one module per area; blueprint.py holds every URL rule."""
