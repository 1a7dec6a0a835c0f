"""What text looks like, shared by every stage: word counts and title shape (stats.py), dates in
many languages (dates.py), stopword lists and a document's language (stoplists.py)."""
