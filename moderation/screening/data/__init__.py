"""Word lists and rule files read by moderation.screening.lexicon (see its docstring), and the
semantic screener's classifier (semantic_classifier.json, rebuilt by moderation.screening.train)."""
