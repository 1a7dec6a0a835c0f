"""The cleaner as a step of other tools' pipelines: datatrove (datatrove.py) and Hugging Face
datasets (hf_datasets.py). Each builds on the per-document function of engines/outcome.py."""
