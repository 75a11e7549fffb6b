"""The bundled sample datasets, transcribed from the seed policy documents."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from graphmodel.dataset import Dataset
from graphmodel.errors import NotFoundError
from loaders.folder import load_dataset, load_datasets


def samples_dir() -> Path:
    return Path(str(resources.files("loaders").joinpath("samples")))


def list_samples() -> list[dict[str, str]]:
    """Each bundled sample's id, names and description, from its manifest."""
    out = []
    for folder in sorted(p for p in samples_dir().iterdir() if (p / "dataset.json").exists()):
        manifest = json.loads((folder / "dataset.json").read_text(encoding="utf-8"))
        out.append(
            {
                "id": folder.name,
                "name": manifest.get("name", ""),
                "name_en": manifest.get("name_en", ""),
                "description": manifest.get("description", ""),
            }
        )
    return out


def sample_path(name: str) -> Path:
    names = [s["id"] for s in list_samples()]
    if name not in names:
        raise NotFoundError("sample", name, names)
    return samples_dir() / name


def load_sample(name: str) -> Dataset:
    return load_dataset(sample_path(name))


def load_all_samples() -> Dataset:
    return load_datasets([samples_dir() / s["id"] for s in list_samples()])
