"""Texts' services: what a reply does (inbound), and the coordinator's figures (reach)."""
