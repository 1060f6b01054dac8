"""Executes notebooks headless with nbclient, as the test command does:

    .venv-notebooks/bin/python Notebooks/execute.py [NOTEBOOK.ipynb ...]

Each runs in this folder (so `import loomsim_results` works) with the environment's
LOOMSIM_RESULTS / LOOMSIM_FIGURES / LOOMSIM_RUN_ID; the notebooks on disk are left unchanged
(they are committed without outputs). Exit status 1 when a cell fails, with the cell's error.
"""
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

here = Path(__file__).resolve().parent
paths = [Path(p) for p in sys.argv[1:]] or sorted(here.glob("*.ipynb"))
failed = False
for path in paths:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(here)}})
    try:
        client.execute()
        print(f"ok {path.name}")
    except CellExecutionError as error:
        failed = True
        print(f"FAILED {path.name}\n{error}", file=sys.stderr)
sys.exit(1 if failed else 0)
