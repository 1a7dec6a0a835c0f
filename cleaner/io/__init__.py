"""Reading and writing: finding documents (files, folders, JSONL, stdin, fsspec URLs), turning
their bytes into text, and writing cleaned records (JSONL, one file per document)."""
