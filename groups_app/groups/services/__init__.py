"""The rules of support groups, as plain functions: no request, no session, no flash."""
