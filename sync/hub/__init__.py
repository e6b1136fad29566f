"""The reference hub: the service (hub.py), its HTTP API (app.py), storage schema, CLI."""
