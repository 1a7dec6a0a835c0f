"""The cleaner inside other tools' pipelines: a real datatrove pipeline (LocalPipelineExecutor,
JsonlReader -> CleanerStep -> JsonlWriter) and the documented datasets.map example."""
import gzip
import json
import re

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from cleaner import Cleaner
from cleaner.integrations.datatrove import CleanerStep
from conftest import ROOT, seed_inputs

PAGE = ("<html><head><title>Budget passes</title></head><body><nav>Home | News | Sport</nav><article>"
        "<h1>Budget passes</h1><p>The council approved the budget on Tuesday after a long debate about schools.</p>"
        "<p>Photo: Reuters</p><p>Members said the plan would fund repairs to three bridges next year.</p>"
        "</article></body></html>")


def test_datatrove_pipeline_from_jsonl_reader_to_jsonl_writer(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    documents = [{"id": p.name, "text": p.read_text(encoding="utf-8"), "metadata": {"url": None, "dump": "x"}}
                 for p in seed_inputs()]
    documents.append({"id": "page", "text": PAGE, "metadata": {"url": "https://news.example.com/budget"}})
    documents.append({"id": "empty", "text": "Photo: Reuters", "metadata": {}})
    with (source / "part.jsonl").open("w", encoding="utf-8") as stream:
        for document in documents:
            stream.write(json.dumps(document) + "\n")
    out = tmp_path / "out"
    step = CleanerStep()
    LocalPipelineExecutor(pipeline=[JsonlReader(str(source)), step, JsonlWriter(str(out))],
                          tasks=1, workers=1, logging_dir=str(tmp_path / "logs")).run()
    written = [json.loads(line) for path in sorted(out.glob("*.jsonl.gz"))
               for line in gzip.open(path, "rt", encoding="utf-8")]
    assert [d["id"] for d in written] == [p.name for p in seed_inputs()] + ["page"]  # the empty one dropped
    cleaner = Cleaner()
    for document, path in zip(written, seed_inputs()):
        expected = (path.parent / (path.name[:-4] + ".expected.txt")).read_text(encoding="utf-8")
        assert document["text"] + "\n" == expected
        assert document["metadata"]["dump"] == "x" and document["metadata"]["language"]
        assert document["metadata"]["removed"] == cleaner.clean_text(path.read_text(encoding="utf-8")).as_record()[
            "removed"]
    page = written[-1]
    assert page["text"].startswith("Budget passes\nThe council approved") and "Photo: Reuters" not in page["text"]
    assert page["metadata"]["url"] == "https://news.example.com/budget" and page["metadata"]["site"] == "news.example.com"
    stats = json.loads(next((tmp_path / "logs" / "stats").glob("*.json")).read_text())
    counts = next(s for s in stats if s["name"] == repr(step))["stats"]
    assert counts["total"] == len(documents) and counts["dropped_empty"] == 1


def test_datasets_map_example_in_the_docs_runs():
    """The example in docs/pipelines.md, run as it is written there."""
    doc = (ROOT / "docs" / "pipelines.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(# datasets\.map example.*?)```", doc, re.S).group(1)
    scope: dict = {}
    exec(compile(example, "docs/pipelines.md", "exec"), scope)
    dataset = scope["dataset"]
    assert dataset.column_names[:2] == ["id", "text"]
    rows = dataset.to_list()
    assert [r["id"] for r in rows] == ["a", "c"]  # "b" cleaned to nothing and was filtered out
    assert rows[0]["text"] == "Putin spoke about the talks in Geneva on Friday." and rows[0]["lines_removed"] == 2
    assert rows[0]["date"] == "2021-03-19" and rows[0]["language"] == "en"
    assert rows[1]["title"] == "Budget passes" and rows[1]["cleaner_error"] is None
