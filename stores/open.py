"""Open the store a command or the server works on: Neo4j, or the embedded one with data.

Both the command line (`cli`) and the GraphQL server (`api`) open their store here, so that
neither imports the other. It sits in `stores` because it only chooses between the stores
and fills the embedded one through `loaders`, which `stores` already uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from graphmodel.dataset import Dataset
from graphmodel.settings import Settings
from graphmodel.store import Store


def chosen_dataset(
    samples: Sequence[str] = (),
    data: Sequence[Path] = (),
    progress: Callable[[str, int], None] | None = None,
) -> Dataset:
    """The named samples and dataset folders, merged; all bundled samples when none is named.
    `progress(file, rows)` hears of a named folder's reading (loaders/folder.py)."""
    from loaders.folder import load_datasets
    from loaders.samples import load_all_samples, sample_path

    if not samples and not data:
        return load_all_samples()
    folders = [sample_path(s) for s in samples] + list(data)
    return load_datasets(folders, progress=progress)


def open_store(settings: Settings, samples: Sequence[str] = (), data: Sequence[Path] = ()) -> Store:
    """Neo4j when `NEO4J_URI` is set and no data is chosen; otherwise the embedded store."""
    if settings.neo4j_uri and not (samples or data):
        from stores.neo4j import Neo4jStore

        return Neo4jStore(settings)
    from stores.memory import MemoryStore

    return MemoryStore(chosen_dataset(samples, data))
