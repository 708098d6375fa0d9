"""Fixtures for the comments tests: channel accounts, published posts, fake platforms."""
