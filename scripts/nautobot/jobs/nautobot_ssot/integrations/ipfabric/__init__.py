"""See nautobot_ssot/__init__.py: a stand-in package path only."""
