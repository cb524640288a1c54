"""Importing the engine stays light: no torch, no sentence-transformers, no Streamlit."""

import subprocess
import sys

from tests.conftest import ROOT


def test_import_checker_is_light() -> None:
    code = ("import sys, checker, checker.cli, checker.claims.features, checker.evidence.corpus, checker.config; "
            "heavy = [m for m in ('torch', 'sentence_transformers', 'streamlit', 'faiss') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
