"""Artifact folders: atomic save, verified load, and refusal of anything altered or foreign."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from mlcore import artifacts
from mlcore.artifacts import ArtifactError, load_artifact, read_manifest, save_artifact


def _save(directory: Path, **kwargs):
    files = {
        "weights.npy": np.arange(12, dtype=np.float32).reshape(3, 4),
        "vocab.json": json.dumps(["alpha", "beta"]).encode(),
    }
    defaults = {
        "kind": "test-model",
        "params": {"C": 1.0},
        "metrics": {"f1": 0.5},
        "data_hash": "abc",
    }
    return save_artifact(directory, files, **{**defaults, **kwargs})


@pytest.fixture
def spy_deserialise(monkeypatch):
    """Records every file the loader deserialises."""
    calls: list[str] = []
    real = artifacts._deserialise

    def spy(name, data, entry):
        calls.append(name)
        return real(name, data, entry)

    monkeypatch.setattr(artifacts, "_deserialise", spy)
    return calls


def test_saved_artifact_loads_back_with_identical_arrays_and_bytes(tmp_path):
    _save(tmp_path / "a")
    manifest, files = load_artifact(tmp_path / "a", kind="test-model")
    assert np.array_equal(files["weights.npy"], np.arange(12, dtype=np.float32).reshape(3, 4))
    assert files["weights.npy"].dtype == np.float32
    assert json.loads(files["vocab.json"]) == ["alpha", "beta"]
    assert manifest.params == {"C": 1.0}
    assert manifest.metrics == {"f1": 0.5}


def test_manifest_records_versions_libraries_and_every_file_checksum(tmp_path):
    _save(tmp_path / "a")
    raw = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert raw["format_version"] == artifacts.FORMAT_VERSION
    assert raw["kind"] == "test-model"
    assert raw["data_hash"] == "abc"
    assert {"numpy", "scikit-learn"} <= set(raw["libraries"])
    assert set(raw["files"]) == {"weights.npy", "vocab.json"}
    assert all(len(entry["sha256"]) == 64 for entry in raw["files"].values())
    assert raw["created_at"].endswith("+00:00")


def test_save_leaves_no_temporary_folder_behind(tmp_path):
    _save(tmp_path / "a")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]


def test_one_changed_byte_is_refused_before_anything_is_deserialised(tmp_path, spy_deserialise):
    _save(tmp_path / "a")
    path = tmp_path / "a" / "weights.npy"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="sha256"):
        load_artifact(tmp_path / "a", kind="test-model")
    assert spy_deserialise == []


def test_truncated_file_is_refused_before_anything_is_deserialised(tmp_path, spy_deserialise):
    _save(tmp_path / "a")
    path = tmp_path / "a" / "vocab.json"
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(ArtifactError, match="truncated"):
        load_artifact(tmp_path / "a", kind="test-model")
    assert spy_deserialise == []


def test_artifact_of_another_kind_is_refused(tmp_path, spy_deserialise):
    _save(tmp_path / "a", kind="pca")
    with pytest.raises(ArtifactError, match="'pca', not a 'test-model'"):
        load_artifact(tmp_path / "a", kind="test-model")
    assert spy_deserialise == []


def test_manifest_from_another_format_version_is_refused(tmp_path, spy_deserialise):
    _save(tmp_path / "a")
    path = tmp_path / "a" / "manifest.json"
    raw = json.loads(path.read_text())
    raw["format_version"] = artifacts.FORMAT_VERSION + 1
    path.write_text(json.dumps(raw))
    with pytest.raises(ArtifactError, match="format version"):
        load_artifact(tmp_path / "a", kind="test-model")
    assert spy_deserialise == []


def test_artifact_written_by_another_numpy_major_version_is_refused(tmp_path, spy_deserialise):
    _save(tmp_path / "a")
    path = tmp_path / "a" / "manifest.json"
    raw = json.loads(path.read_text())
    raw["libraries"]["numpy"] = "1.26.4" if not np.__version__.startswith("1.") else "2.0.0"
    path.write_text(json.dumps(raw))
    with pytest.raises(ArtifactError, match="major version differs"):
        load_artifact(tmp_path / "a", kind="test-model")
    assert spy_deserialise == []


def test_corrupt_manifest_is_refused_with_a_clear_message(tmp_path):
    _save(tmp_path / "a")
    (tmp_path / "a" / "manifest.json").write_text('{"format_version": 1, "kind"')
    with pytest.raises(ArtifactError, match=r"manifest\.json is corrupt"):
        load_artifact(tmp_path / "a", kind="test-model")


def test_folder_without_manifest_is_not_an_artifact(tmp_path):
    (tmp_path / "a").mkdir()
    with pytest.raises(ArtifactError, match=r"no manifest\.json"):
        load_artifact(tmp_path / "a", kind="test-model")


def test_file_the_manifest_does_not_list_is_refused(tmp_path, spy_deserialise):
    _save(tmp_path / "a")
    (tmp_path / "a" / "extra.pkl").write_bytes(b"\x80\x04")
    with pytest.raises(ArtifactError, match="does not list"):
        load_artifact(tmp_path / "a", kind="test-model")
    assert spy_deserialise == []


def test_missing_file_is_refused(tmp_path):
    _save(tmp_path / "a")
    (tmp_path / "a" / "vocab.json").unlink()
    with pytest.raises(ArtifactError, match=r"missing vocab\.json"):
        load_artifact(tmp_path / "a", kind="test-model")


def test_npy_file_holding_a_pickle_is_refused_even_with_a_matching_checksum(tmp_path):
    # Someone who can rewrite the manifest too gets no further than an array without pickle.
    directory = tmp_path / "a"
    _save(directory)
    evil = b"\x93NUMPY\x01\x00v\x00{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    evil = evil.ljust(127, b" ") + b"\n" + b"\x80\x04K\x01."
    (directory / "weights.npy").write_bytes(evil)
    raw = json.loads((directory / "manifest.json").read_text())
    raw["files"]["weights.npy"].update(sha256=hashlib.sha256(evil).hexdigest(), size=len(evil))
    (directory / "manifest.json").write_text(json.dumps(raw))
    with pytest.raises(ArtifactError, match="cannot be read"):
        load_artifact(directory, kind="test-model")


def test_existing_artifact_is_kept_unless_overwrite_is_asked(tmp_path):
    _save(tmp_path / "a", params={"C": 1.0})
    with pytest.raises(ArtifactError, match="already exists"):
        _save(tmp_path / "a", params={"C": 2.0})
    assert read_manifest(tmp_path / "a").params == {"C": 1.0}
    _save(tmp_path / "a", params={"C": 2.0}, overwrite=True)
    assert read_manifest(tmp_path / "a").params == {"C": 2.0}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]


@pytest.mark.parametrize("name", ["../escape.npy", "sub/dir.npy", "manifest.json", ".hidden"])
def test_unsafe_file_names_are_refused_at_save(tmp_path, name):
    with pytest.raises(ArtifactError, match="invalid artifact file name"):
        save_artifact(tmp_path / "a", {name: b"x"}, kind="k", params={})
    assert not (tmp_path / "a").exists()


def test_object_arrays_are_refused_at_save_because_they_need_pickle(tmp_path):
    with pytest.raises(ArtifactError, match="object arrays"):
        save_artifact(
            tmp_path / "a", {"x.npy": np.array([{"a": 1}], dtype=object)}, kind="k", params={}
        )


def test_params_that_are_not_json_are_refused_and_nothing_is_left_behind(tmp_path):
    with pytest.raises(ArtifactError, match="JSON"):
        save_artifact(tmp_path / "a", {"x.npy": np.zeros(2)}, kind="k", params={"f": object()})
    assert list(tmp_path.iterdir()) == []


def test_data_fingerprint_depends_on_texts_labels_and_their_boundaries():
    fp = artifacts.data_fingerprint
    assert fp(["ab", "c"], ["x", "y"]) == fp(["ab", "c"], ["x", "y"])
    assert fp(["ab", "c"], ["x", "y"]) != fp(["a", "bc"], ["x", "y"])
    assert fp(["ab", "c"], ["x", "y"]) != fp(["ab", "c"], ["y", "x"])


def test_write_atomic_replaces_a_file_whole_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "sub" / "report.txt"
    assert artifacts.write_atomic(target, b"old") == target.resolve()
    artifacts.write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.txt"]


def test_write_atomic_leaves_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "report.txt"
    artifacts.write_atomic(target, b"old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(artifacts.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        artifacts.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


def test_write_artifact_lists_what_the_writer_put_in_the_folder(tmp_path):
    def write(folder):
        np.save(folder / "rows.npy", np.arange(4), allow_pickle=False)
        (folder / "index.bin").write_bytes(b"\x00\x01")

    manifest = artifacts.write_artifact(tmp_path / "a", write, kind="thing", params={"n": 4})
    assert {name: e.encoding for name, e in manifest.files.items()} == {
        "index.bin": "bytes",
        "rows.npy": "npy",
    }
    assert artifacts.check_artifact(tmp_path / "a", kind="thing").params == {"n": 4}
    _, files = load_artifact(tmp_path / "a", kind="thing")
    assert files["rows.npy"].tolist() == [0, 1, 2, 3] and files["index.bin"] == b"\x00\x01"


def test_write_artifact_refuses_a_subfolder_and_leaves_nothing_behind(tmp_path):
    with pytest.raises(ArtifactError, match="not a plain file"):
        artifacts.write_artifact(
            tmp_path / "a", lambda folder: (folder / "sub").mkdir(), kind="thing", params={}
        )
    assert list(tmp_path.iterdir()) == []


def test_check_artifact_refuses_damage_and_skips_hashing_only_when_asked(tmp_path):
    _save(tmp_path / "a")
    path = tmp_path / "a" / "vocab.json"
    data = bytearray(path.read_bytes())
    data[0] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="sha256"):
        artifacts.check_artifact(tmp_path / "a", kind="test-model")
    assert artifacts.check_artifact(tmp_path / "a", kind="test-model", verify=False).kind
    path.write_bytes(bytes(data[:3]))
    with pytest.raises(ArtifactError, match="missing or truncated"):
        artifacts.check_artifact(tmp_path / "a", kind="test-model", verify=False)


def test_bytes_under_an_array_name_are_refused(tmp_path):
    with pytest.raises(ArtifactError, match="for arrays"):
        save_artifact(tmp_path / "a", {"x.npy": b"raw"}, kind="k", params={})
