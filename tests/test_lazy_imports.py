"""Cleaning text never imports the HTML extractor (trafilatura, htmldate: 0.2 s of start-up)."""
import subprocess
import sys

CHECK = """
import sys
import cleaner.cli.app, cleaner.cli.clean
from cleaner import Cleaner
Cleaner().clean_text('The council approved the new budget on Tuesday after a long debate.')
print(sorted(name for name in ('trafilatura', 'htmldate', 'justext') if name in sys.modules))
"""


def test_a_text_run_never_imports_the_html_extractor():
    # A fresh interpreter: this test process has imported trafilatura already.
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_html_page_imports_it():
    check = CHECK.replace("clean_text('The council", "clean_html('<html><body><p>The council").replace(
        "debate.')", "debate.</p></body></html>')")
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert "trafilatura" in out.stdout
