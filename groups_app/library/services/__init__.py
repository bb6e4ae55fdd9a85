"""The library's rules, as plain functions."""
