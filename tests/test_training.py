"""The training tool for main-content's line model (tools/train_line_model.py): how it labels
dump lines from a page's hand-written main content, and that training is deterministic."""
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.fullpage.linemodel import LineModel

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools"
SHARED_DATA = ROOT.parent / "shared" / "data"


def _tool(name):
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_a_dump_line_is_content_when_it_is_the_hand_written_main_content():
    labels = _tool("wcxb_data").line_labels
    main_content = ("Council approves footbridge\n\nThe town council voted on Tuesday to build a footbridge.\n\n"
                    "- Cost: 2 million\n\nShare your thoughts below.")
    texts = ["Council approves footbridge | Riverside Gazette",  # the page title: partly the heading, unknown
             "Home",  # not in the main content
             "Council approves footbridge",  # a whole line of it (the heading)
             "The town council voted on Tuesday to build a footbridge.",
             "Cost: 2 million",  # a list item, without its marker
             "Share",  # only inside a longer line of it: unknown
             "The town council voted on Tuesday to build a footbridge. Read more",  # mostly content
             "Most read: council footbridge plans and other stories from the week"]  # other words
    assert labels(texts, main_content) == [-1, 0, 1, 1, 1, -1, 1, 0]


def test_a_line_the_dump_repeats_is_content_only_as_often_as_the_main_content_holds_it():
    labels = _tool("wcxb_data").line_labels
    main_content = "Our story\n\nFounded in 1743 in the Nada district of Kobe, the brewery is the oldest in town."
    texts = ["Our story", "Products", "Founded in 1743 in the Nada district of Kobe, the brewery is the oldest in town.",
             "Our story", "Contact"]
    # The menu item far from the text goes, the heading next to it stays (one copy: the main content holds one).
    assert labels(texts, main_content) == [0, 0, 1, 1, 0]


@pytest.mark.skipif(not (SHARED_DATA / "devset").is_dir() or not (SHARED_DATA / "wcxb-dev").is_dir(),
                    reason="needs the development sets in ../shared/data beside the repository")
def test_training_twice_on_the_same_pages_writes_the_same_model_file(tmp_path):
    pytest.importorskip("sklearn")
    outputs = []
    for run, hash_seed in enumerate(("1", "2")):
        output = tmp_path / f"model-{run}.json"
        # Two processes with different string hashing: set and dict orders differ between them.
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([sys.executable, str(TOOLS / "train_line_model.py"), "--limit", "12", "--no-cv",
                               "--min-sites", "2", "--trees", '{"max_iter": 12}', "--output", str(output)],
                              capture_output=True, text=True, env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-2000:]
        outputs.append(output.read_bytes())
    assert outputs[0] == outputs[1]
    data = json.loads(outputs[0])
    model = LineModel(data["features"], data["baseline"], data["trees"], word_evidence=data["word_evidence"])
    assert len(model.trees) == 12 and model.word_evidence


def test_removal_costs_put_each_rules_lines_back_and_score_the_page_again():
    wcxb_data = _tool("wcxb_data")
    costs = _tool("removal_costs").removal_costs
    pages = {"1": wcxb_data.WcxbPage("1", "https://a.example/x", "collection", "Red shoes\nBlue shoes\nGreen hats", "")}
    records = [{"id": "1", "text": "Red shoes",
                "removed": [{"rule": "related-title-run", "text": "Blue shoes"}, {"rule": "related-title-run", "text": "Green hats"},
                            {"rule": "legal-links", "text": "Privacy policy"}]},
               {"id": "unknown", "text": "", "removed": []}]
    change, types, fired = costs(records, pages)
    assert types == {"collection": 1} and fired[("collection", "legal-links")] == 1
    # Putting the two titles back makes the page perfect (F1 1.0 from 0.5): the rule cost 0.5.
    assert round(change[("collection", "related-title-run")], 6) == -0.5
    # Putting "Privacy policy" back adds two wrong words: the rule gained what they would cost.
    assert change[("collection", "legal-links")] > 0
