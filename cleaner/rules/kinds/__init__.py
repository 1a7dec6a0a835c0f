"""The kinds of rule: base.py (what all build on, a leaf), one module per family (lines.py,
blocks.py, offtopic.py; main-content lives in cleaner/fullpage/) and registry.py, which names
them all."""
