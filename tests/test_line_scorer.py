"""The learned boilerplate-line scorer (rule kind `score-lines`) and the tool that trains it.

The tool runs for real on a few pages of both development sets (../shared/data); the model it
writes is then used through a rule file, as a user would."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.rules.kinds.linescore import FEATURES, ScorerModelError, load_scorer

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"

ARTICLE = """City council approves delayed budget
The city council approved the budget on Monday after a dispute over school funding had held it up for months, and members said the first payments would reach schools in May.
Members voted 31 to 12 in favour. The mayor said she was relieved that the long argument was over and thanked both parties for their patience during the talks.
Share this article
Privacy Policy | Terms of Use | Contact Us"""


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    if not (DATA / "wcxb-dev").is_dir() or not (DATA / "devset").is_dir():
        pytest.skip("the development sets are not in ../shared/data")
    out = tmp_path_factory.mktemp("scorer") / "model.json"
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "train_boilerplate_lines.py"), "--limit", "6",
                          "--no-cv", "--trees", '{"max_iter": 5, "min_samples_leaf": 5}', "--min-sites", "1",
                          "--output", str(out)], capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "wrote" in run.stdout
    return out


def _ruleset(folder: Path, model: Path, threshold: float = 0.0) -> Path:
    path = folder / "scorer.yaml"
    path.write_text(f"""name: scorer
description: The trained scorer, in a test.
rules:
  - id: scored
    kind: score-lines
    description: Drop what the scorer judges boilerplate.
    model: {model}
    threshold: {threshold}
    max_words: 20
    examples:
      - input: "A long first paragraph of the article that tells the reader what happened in the town on Monday, and why it matters to everyone.\\nShare this article"
        output: "A long first paragraph of the article that tells the reader what happened in the town on Monday, and why it matters to everyone."
      - keep: "The city council approved the budget on Monday after a dispute over school funding had held it up for months, and members said the first payments would reach schools in May, long before the summer."
""", encoding="utf-8")
    return path


def test_the_tool_writes_a_model_the_kind_reads(trained):
    data = json.loads(trained.read_text(encoding="utf-8"))
    assert set(data["features"]) <= set(FEATURES) and data["word_evidence"]
    scorer = load_scorer(str(trained))
    assert 0.0 <= scorer.probability([0.0] * len(FEATURES)) <= 1.0


def test_threshold_zero_drops_short_lines_keeps_prose_and_never_empties(trained, tmp_path):
    rules = _ruleset(tmp_path, trained, 0.0)
    result = Cleaner(rules=[str(rules)], use_default_rules=False).clean_text(ARTICLE)
    kept = result.text
    # Every judged line (20 words or fewer) scores >= 0 and goes; the paragraphs are never judged.
    assert "Share this article" not in kept and "Privacy Policy" not in kept
    assert "The city council approved the budget" in kept and "Members voted 31 to 12" in kept


def test_a_broken_model_file_is_named(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ScorerModelError, match="broken.json"):
        load_scorer(str(bad))
