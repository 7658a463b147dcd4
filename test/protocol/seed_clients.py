"""Runs one notebook through the Jupyter clients people use and prints, as JSON, what each
cell printed per client: nbclient, nbconvert --execute, papermill (no parameters), jupyter
console, and execute requests shaped as JupyterLab sends them (metadata.cellId).

usage: seed_clients.py NOTEBOOK KERNEL_NAME   (JUPYTER_PATH must find the kernelspec)
"""
import json
import os
import subprocess
import sys
import tempfile

import nbformat
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient

BIN = os.path.dirname(sys.executable)


def printed(nb):
    """Per code cell, its stdout text."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        out.append("".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream"))
    return out


def with_nbclient(path, kernel, workdir):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name=kernel, resources={"metadata": {"path": workdir}}).execute()
    return printed(nb)


def with_nbconvert(path, kernel, workdir):
    out = os.path.join(workdir, "nbconvert.ipynb")
    subprocess.run(
        [os.path.join(BIN, "jupyter"), "nbconvert", "--to", "notebook", "--execute",
         f"--ExecutePreprocessor.kernel_name={kernel}", "--output", out, path],
        check=True, capture_output=True,
    )
    return printed(nbformat.read(out, as_version=4))


def with_papermill(path, kernel, workdir):
    out = os.path.join(workdir, "papermill.ipynb")
    subprocess.run(
        [os.path.join(BIN, "papermill"), "-k", kernel, path, out],
        check=True, capture_output=True,
    )
    return printed(nbformat.read(out, as_version=4))


def with_console(path, kernel, workdir):
    """jupyter console reads one cell per line; the cells here are single lines."""
    nb = nbformat.read(path, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code"]
    run = subprocess.run(
        [os.path.join(BIN, "jupyter"), "console", f"--kernel={kernel}", "--simple-prompt",
         "--ZMQTerminalInteractiveShell.kernel_timeout=120"],
        input="\n".join(cells) + "\nexit\n", capture_output=True, text=True, cwd=workdir,
        timeout=300,
    )
    # Each cell prints one line that starts with its marker ("draw:<name> ...").
    lines = [ln[ln.index("draw:"):] for ln in run.stdout.splitlines() if "draw:" in ln]
    return [ln + "\n" for ln in lines]


def with_lab_requests(path, kernel, workdir):
    """Execute requests as JupyterLab sends them: with the cell id in metadata.cellId."""
    nb = nbformat.read(path, as_version=4)
    km, kc = start_new_kernel(kernel_name=kernel, cwd=workdir)
    try:
        out = []
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            content = {"code": cell.source, "silent": False, "store_history": True,
                       "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}
            msg = kc.session.msg("execute_request", content, metadata={"cellId": cell.id})
            kc.shell_channel.send(msg)
            text = ""
            while True:
                m = kc.get_iopub_msg(timeout=120)
                if m["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
                    continue
                if m["msg_type"] == "stream":
                    text += m["content"]["text"]
                if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                    break
            out.append(text)
        return out
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main():
    path, kernel = sys.argv[1], sys.argv[2]
    results = {}
    for name, run in [("nbclient", with_nbclient), ("nbconvert", with_nbconvert),
                      ("papermill", with_papermill), ("jupyter console", with_console),
                      ("JupyterLab requests", with_lab_requests)]:
        with tempfile.TemporaryDirectory() as workdir:
            results[name] = run(path, kernel, workdir)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
