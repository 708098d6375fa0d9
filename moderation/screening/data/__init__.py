"""Word lists and rule files read by moderation.screening.lexicon (see its docstring)."""
