"""Rules as data: YAML rule sets loaded with line numbers (load.py) into a model (model.py),
applied to a document's lines (apply.py), checked by their own examples (examples.py) and by
golden fixtures (fixtures.py). The kinds of rule live in kinds/."""
