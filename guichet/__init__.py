"""Guichet: citizen relationship management for local governments."""
