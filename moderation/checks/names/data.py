"""What goes into the names check (register people) and what comes out (hits)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegisterPerson:
    """A person from the school's register; ``first_names`` holds legal and preferred names."""

    key: int
    first_names: tuple[str, ...]
    last_name: str


@dataclass(frozen=True)
class NameHit:
    """A registered person's name in a text; ``start``/``end`` index the original text."""

    key: int
    start: int
    end: int
    matched: str


@dataclass(frozen=True)
class LikelyName:
    """What looks like the full name of someone outside the register."""

    start: int
    end: int
    matched: str
