"""A model bundle: the classifiers and match weights of one training run, tied by a manifest.

`bundle/` is itself an artifact (see mlcore.artifacts) listing the sha256 of every part's
manifest, so verifying the bundle verifies every file of every part before anything loads.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from mlcore.artifacts import ArtifactError, load_artifact, read_manifest, save_artifact

BUNDLE_KIND = "model-bundle"
PARTS = {
    "resume_classifier": None,
    "job_classifier": None,
    "weights": "match-weights",
}


@dataclass(frozen=True)
class BundleManifest:
    checksum: str
    metrics: dict
    params: dict
    data_hash: str
    parts: dict


def _manifest_sha(directory: Path) -> str:
    return hashlib.sha256((directory / "manifest.json").read_bytes()).hexdigest()


def write_bundle(
    directory: str | Path, *, metrics: dict, params: dict, data_hash: str
) -> BundleManifest:
    root = Path(directory)
    parts = {
        name: _manifest_sha(root / name)
        for name in PARTS
        if (root / name / "manifest.json").exists()
    }
    save_artifact(
        root / "bundle",
        {"bundle.json": json.dumps({"parts": parts}, sort_keys=True).encode()},
        kind=BUNDLE_KIND,
        params=params,
        metrics=metrics,
        data_hash=data_hash,
        overwrite=True,
    )
    return verify_bundle(root)


def verify_bundle(directory: str | Path) -> BundleManifest:
    """Check the bundle and every part (sizes, checksums, kinds, library versions) or raise."""
    root = Path(directory)
    manifest, files = load_artifact(root / "bundle", kind=BUNDLE_KIND)
    parts = json.loads(files["bundle.json"])["parts"]
    for name, sha in parts.items():
        part = root / name
        if _manifest_sha(part) != sha:
            raise ArtifactError(
                f"bundle {root}: part {name} was changed after the bundle was written"
            )
        load_artifact(part, kind=read_manifest(part).kind)
    return BundleManifest(
        checksum=_manifest_sha(root / "bundle"),
        metrics=dict(manifest.metrics),
        params=dict(manifest.params),
        data_hash=manifest.data_hash,
        parts=parts,
    )
