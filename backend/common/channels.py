"""The channels a post can go to: one value and one label each.

The enum lives here, below every app, because consent (photo consent per channel) sits
below publishers and must not import it. What a channel can *do* (its adapter, comment
actions, poll age, the fields that connect an account) is declared by its publisher class
and read through ``publishers.registry``.
"""

from __future__ import annotations

from django.db import models


class ChannelKind(models.TextChoices):
    """Values are stored in the database (posts, publications, accounts, comments)."""

    WEBSITE = "website", "School website"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
