"""The bundled rule sets ship inside the wheel: an installed cleaner finds them from any folder."""
import os
import subprocess
import sys
import zipfile

from conftest import ROOT


def test_wheel_carries_rules_and_installed_package_finds_them(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(wheels)],
                   check=True, capture_output=True, timeout=600)
    [wheel] = wheels.glob("cleaner_text-*.whl")  # the distribution is cleaner-text (pyproject.toml)
    names = zipfile.ZipFile(wheel).namelist()
    [metadata] = [name for name in names if name.endswith(".dist-info/METADATA")]
    assert "\nName: cleaner-text\n" in zipfile.ZipFile(wheel).read(metadata).decode("utf-8")
    assert "cleaner/default_rules/generic/related.yaml" in names
    assert {"cleaner/review/assets/review.css", "cleaner/review/assets/review.js"} <= set(names)  # the review page's
    assert {"cleaner/pagetype/html.model.json", "cleaner/pagetype/text.model.json"} <= set(names)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # The installed copy comes first on the path; the dependencies come from this environment.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(target)] + sys.path))
    code = ("import cleaner, cleaner.rules.load as r; print(cleaner.__file__); print(r.default_rules_dir()); "
            "print(cleaner.Cleaner().clean_text('Sentence of the story.\\nPhotos').text); "
            "import cleaner.pagetype as p; print(p.HTML_MODEL); print(p.classify_text('Add to cart $12', None).name)")
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True,
                         text=True, timeout=120, check=True).stdout.splitlines()
    assert out[0].startswith(str(target)) and out[1].startswith(str(target))
    assert out[2] == "Sentence of the story."
    assert out[3].startswith(str(target)) and out[4] in ("article", "forum", "product", "collection", "listing",
                                                         "documentation", "service")
