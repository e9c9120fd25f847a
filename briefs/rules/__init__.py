"""Pure domain rules: they take values and `now` and return values.

Nothing here imports Flask, SQLAlchemy, the models or the extensions, or reads the clock;
`tests/test_rules_purity.py` checks it.
"""
