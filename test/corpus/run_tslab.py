"""Execute notebooks on tslab's kernels with nbclient (what `jupyter nbconvert --execute` runs)
and keep each cell's execute_reply status, because tslab reports a failing cell only as stderr
text: `python run_tslab.py OUT_DIR JOBS NB.ipynb...` writes OUT_DIR/NB.ipynb with
`metadata.corpus.status` ("ok" or "error") on every code cell it ran."""
from __future__ import annotations

import asyncio
import os
import sys

import nbformat
from nbclient import NotebookClient


async def execute(path: str, out_dir: str, jobs: asyncio.Semaphore) -> None:
    async with jobs:
        notebook = nbformat.read(path, as_version=4)

        def executed(cell, cell_index, execute_reply):  # noqa: ANN001 (nbclient's hook)
            cell.metadata["corpus"] = {"status": execute_reply["content"]["status"]}

        client = NotebookClient(
            notebook,
            kernel_name=notebook.metadata.kernelspec.name,
            allow_errors=True,
            timeout=120,
            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
            on_cell_executed=executed,
        )
        await client.async_execute()
        nbformat.write(notebook, os.path.join(out_dir, os.path.basename(path)))


async def main(out_dir: str, jobs: int, paths: list[str]) -> None:
    os.makedirs(out_dir, exist_ok=True)
    semaphore = asyncio.Semaphore(jobs)
    await asyncio.gather(*(execute(p, out_dir, semaphore) for p in paths))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3:]))
