"""Every saved file goes through here: single files written atomically (``write_atomic``), and
artifacts, a folder of plain files plus ``manifest.json``, written atomically (``save_artifact``,
``write_artifact``) and verified before use (``load_artifact``, ``check_artifact``).

Loading checks the format version, the kind, the library major versions and the sha256 of every
file before a single byte is deserialised; arrays load with ``allow_pickle=False``. Every failure
is an ``ArtifactError``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Library majors a saved artifact must share with the running process. numpy's .npy format and
# scikit-learn's TF-IDF semantics are stable within a major version.
CHECKED_LIBRARIES = ("numpy", "scikit-learn")
RECORDED_LIBRARIES = ("numpy", "scikit-learn", "scipy", "faiss-cpu")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
# A manifest lists names, hashes and small params; anything bigger is not one of ours.
_MAX_MANIFEST_BYTES = 16 * 1024 * 1024


class ArtifactError(Exception):
    """An artifact cannot be saved or loaded: missing, corrupt, truncated or incompatible."""


@dataclass(frozen=True)
class FileEntry:
    """A file of the artifact: its sha256, size in bytes and encoding ("npy" or "bytes")."""

    sha256: str
    size: int
    encoding: str


@dataclass(frozen=True)
class Manifest:
    """What ``manifest.json`` records about an artifact.

    Attributes
    ----------
    format_version : int
        The layout version of the artifact folder (``FORMAT_VERSION`` when written).
    kind : str
        What the artifact is ("category-classifier", "match-weights", ...); loaders ask for one kind.
    created_at : str
        ISO-8601 UTC time of writing.
    libraries : dict
        Versions of numpy, scikit-learn, scipy and faiss-cpu (when installed) at writing.
    params : dict
        Hyperparameters of the model (JSON values).
    data_hash : str
        Fingerprint of the training data (see ``data_fingerprint``).
    metrics : dict
        Evaluation figures recorded with the model.
    files : dict of str to FileEntry
        Every file of the artifact other than the manifest.
    """

    format_version: int
    kind: str
    created_at: str
    libraries: dict[str, str]
    params: dict[str, Any]
    data_hash: str
    metrics: dict[str, Any]
    files: dict[str, FileEntry] = field(default_factory=dict)

    def to_json(self) -> bytes:
        return (json.dumps(asdict(self), indent=2, sort_keys=True, allow_nan=False) + "\n").encode()


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries an artifact depends on (absent ones left out)."""
    out = {}
    for name in RECORDED_LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    return out


def data_fingerprint(
    texts: list[str] | tuple[str, ...], labels: list[str] | tuple[str, ...]
) -> str:
    """sha256 over the training texts and labels, in order (the manifest's ``data_hash``)."""
    h = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        for part in (text, label):
            b = part.encode("utf-8", errors="surrogatepass")
            h.update(len(b).to_bytes(8, "little"))
            h.update(b)
    return h.hexdigest()


def _check_name(name: str) -> None:
    if not _SAFE_NAME.match(name) or name == MANIFEST or ".." in name:
        raise ArtifactError(
            f"invalid artifact file name {name!r}: use letters, digits, '.', '_' and '-' only"
        )


def _encode(name: str, value: bytes | np.ndarray) -> bytes:
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise ArtifactError(f"{name}: object arrays would need pickle; store plain dtypes")
        if not name.endswith(".npy"):
            raise ArtifactError(f"{name}: an array must be saved under a name ending in .npy")
        buf = io.BytesIO()
        np.save(buf, value, allow_pickle=False)
        return buf.getvalue()
    if isinstance(value, bytes | bytearray | memoryview):
        if name.endswith(".npy"):
            raise ArtifactError(f"{name}: a .npy name is for arrays; bytes need another name")
        return bytes(value)
    raise ArtifactError(f"{name}: artifact files are bytes or numpy arrays, not {type(value)!r}")


def _write_synced(path: Path, data: bytes) -> None:
    # "x": a fresh file, never one a concurrent writer is filling; permissions follow the umask.
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    # Directory fsync makes the rename durable; some filesystems refuse it, which is harmless.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to the file ``path``: readers see the old file or the new, never half.

    The bytes go to a temporary sibling, fsynced, which is then renamed over ``path``; parent
    folders are created. Returns the absolute path.
    """
    target = Path(path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{secrets.token_hex(6)}")
    try:
        _write_synced(tmp, data)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)
    return target


def _hash_file(path: Path, *, sync: bool = False) -> tuple[str, int]:
    """The sha256 and size of a file, streamed (files may be large); ``sync`` fsyncs it too."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb+" if sync else "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
            size += len(block)
        if sync:
            os.fsync(fh.fileno())
    return h.hexdigest(), size


def _encoding_of(name: str) -> str:
    return "npy" if name.endswith(".npy") else "bytes"


def write_artifact(
    directory: str | os.PathLike[str],
    write: Callable[[Path], object],
    *,
    kind: str,
    params: Mapping[str, Any],
    metrics: Mapping[str, Any] | None = None,
    data_hash: str = "",
    overwrite: bool = False,
) -> Manifest:
    """Write an artifact folder atomically: readers see the old folder or the new, never half.

    ``write(folder)`` puts the files into an empty temporary sibling folder (flat names only;
    ``.npy`` files are recorded as arrays, the rest as bytes). Each file is then fsynced and
    hashed, the manifest written last, and the folder renamed into place.

    Parameters
    ----------
    directory : path
        The artifact folder to create.
    write : callable
        Called once with the temporary folder to fill.
    kind, params, metrics, data_hash
        Recorded in the manifest; ``params`` and ``metrics`` must be JSON-serialisable.
    overwrite : bool
        Replace an existing artifact. Without it an existing folder is an error, since artifact
        folders are versions and a version must not change under its readers.

    Returns
    -------
    Manifest
    """
    target = Path(directory)
    if target.exists() and not overwrite:
        raise ArtifactError(f"artifact {target} already exists; pass overwrite=True to replace it")
    if not kind:
        raise ArtifactError("an artifact needs a kind")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        write(tmp)
        files = {}
        for path in sorted(tmp.iterdir()):
            _check_name(path.name)
            if not path.is_file():
                raise ArtifactError(f"artifact {target}: {path.name} is not a plain file")
            sha, size = _hash_file(path, sync=True)
            files[path.name] = FileEntry(sha, size, _encoding_of(path.name))
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            kind=kind,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            libraries=library_versions(),
            params=dict(params),
            data_hash=data_hash,
            metrics=dict(metrics or {}),
            files=files,
        )
        try:
            manifest_bytes = manifest.to_json()
        except (TypeError, ValueError) as exc:
            raise ArtifactError(f"params and metrics must be JSON-serialisable: {exc}") from exc
        _write_synced(tmp / MANIFEST, manifest_bytes)
        _fsync_dir(tmp)
        if target.exists():
            # A directory cannot be renamed over a non-empty one: move the old version aside,
            # put the new one in place, then delete the old.
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old / "artifact")
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def save_artifact(
    directory: str | os.PathLike[str],
    files: Mapping[str, bytes | np.ndarray],
    *,
    kind: str,
    params: Mapping[str, Any],
    metrics: Mapping[str, Any] | None = None,
    data_hash: str = "",
    overwrite: bool = False,
) -> Manifest:
    """Write an artifact of in-memory values atomically (see ``write_artifact``).

    ``files`` maps flat file names to bytes or arrays; arrays are stored as ``.npy`` (their
    names must end in ``.npy``) and come back as arrays from ``load_artifact``, bytes come back
    as bytes (so their names must not end in ``.npy``).
    """
    encoded: dict[str, bytes] = {}
    for name, value in files.items():
        _check_name(name)
        encoded[name] = _encode(name, value)

    def write(folder: Path) -> None:
        for name, data in encoded.items():
            _write_synced(folder / name, data)

    return write_artifact(
        directory,
        write,
        kind=kind,
        params=params,
        metrics=metrics,
        data_hash=data_hash,
        overwrite=overwrite,
    )


def _parse_manifest(raw: bytes, where: Path) -> Manifest:
    try:
        data = json.loads(raw)
        files = {
            str(name): FileEntry(str(e["sha256"]), int(e["size"]), str(e["encoding"]))
            for name, e in data["files"].items()
        }
        return Manifest(
            format_version=int(data["format_version"]),
            kind=str(data["kind"]),
            created_at=str(data["created_at"]),
            libraries={str(k): str(v) for k, v in data["libraries"].items()},
            params=dict(data["params"]),
            data_hash=str(data["data_hash"]),
            metrics=dict(data["metrics"]),
            files=files,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ArtifactError(
            f"artifact {where}: manifest.json is corrupt or incomplete ({exc})"
        ) from exc


def _major(version: str) -> str:
    return version.split(".", 1)[0]


def read_manifest(directory: str | os.PathLike[str]) -> Manifest:
    """The parsed manifest of an artifact folder, without checking its files."""
    where = Path(directory)
    path = where / MANIFEST
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise ArtifactError(f"artifact {where}: no manifest.json (not an artifact?)") from exc
    if size > _MAX_MANIFEST_BYTES:
        raise ArtifactError(f"artifact {where}: manifest.json is implausibly large ({size} B)")
    return _parse_manifest(path.read_bytes(), where)


def _compatible_manifest(where: Path, kind: str) -> Manifest:
    """The manifest of ``where``, refused unless format, kind and library majors fit."""
    if not where.is_dir():
        raise ArtifactError(f"artifact {where} does not exist")
    manifest = read_manifest(where)
    if manifest.format_version != FORMAT_VERSION:
        raise ArtifactError(
            f"artifact {where} has format version {manifest.format_version}; this code reads "
            f"version {FORMAT_VERSION}: retrain or convert it"
        )
    if manifest.kind != kind:
        raise ArtifactError(f"artifact {where} is a {manifest.kind!r}, not a {kind!r}")
    installed = library_versions()
    for lib in CHECKED_LIBRARIES:
        saved, running = manifest.libraries.get(lib), installed.get(lib)
        if saved and running and _major(saved) != _major(running):
            raise ArtifactError(
                f"artifact {where} was written with {lib} {saved}, incompatible with the "
                f"installed {lib} {running} (major version differs): retrain it"
            )
    for name, entry in manifest.files.items():
        _check_name(name)
        if entry.encoding not in ("npy", "bytes"):
            raise ArtifactError(f"artifact {where}: {name} has unknown encoding {entry.encoding!r}")
    return manifest


def _check_file(where: Path, name: str, entry: FileEntry, size: int, sha256: str | None) -> None:
    if size != entry.size:
        raise ArtifactError(
            f"artifact {where}: {name} is corrupt: {size} bytes, the manifest says "
            f"{entry.size} (missing or truncated data, or a replaced file)"
        )
    if sha256 is not None and sha256 != entry.sha256:
        raise ArtifactError(f"artifact {where}: {name} fails its sha256 check (corrupt or altered)")


def check_artifact(
    directory: str | os.PathLike[str], *, kind: str, verify: bool = True
) -> Manifest:
    """Verify an artifact whose files the caller reads itself (memory-maps, hands to faiss).

    Checks what ``load_artifact`` checks of the manifest, and the size of every listed file and,
    with ``verify``, its sha256 (streamed: nothing is held in memory). Files the manifest does
    not list are left alone. Raises ``ArtifactError``.
    """
    where = Path(directory)
    manifest = _compatible_manifest(where, kind)
    for name, entry in manifest.files.items():
        path = where / name
        try:
            size = path.stat().st_size
        except FileNotFoundError as exc:
            raise ArtifactError(f"artifact {where} is missing {name}") from exc
        _check_file(where, name, entry, size, _hash_file(path)[0] if verify else None)
    return manifest


def _deserialise(name: str, data: bytes, entry: FileEntry) -> bytes | np.ndarray:
    """Turn verified bytes into the value that was saved (the only place that parses files)."""
    if entry.encoding == "npy":
        return np.load(io.BytesIO(data), allow_pickle=False)
    return data


def load_artifact(
    directory: str | os.PathLike[str], *, kind: str
) -> tuple[Manifest, dict[str, bytes | np.ndarray]]:
    """Verify an artifact completely, then load its files.

    Parameters
    ----------
    directory : path
        The artifact folder.
    kind : str
        The kind the caller expects; another kind is refused.

    Returns
    -------
    (Manifest, dict)
        The manifest and every file: ``.npy`` files as arrays, the others as bytes.

    Raises
    ------
    ArtifactError
        With the reason: missing folder or file, corrupt manifest, unknown format version,
        wrong kind, a library major version different from the one that wrote it, a file whose
        size or sha256 does not match (truncated or altered), or an unlisted file.
    """
    where = Path(directory)
    manifest = _compatible_manifest(where, kind)
    present = {p.name for p in where.iterdir() if p.name != MANIFEST}
    unlisted = present - set(manifest.files)
    if unlisted:
        raise ArtifactError(
            f"artifact {where} holds files its manifest does not list: {sorted(unlisted)}"
        )

    # The bytes that are verified are the bytes that are deserialised.
    verified: dict[str, bytes] = {}
    for name, entry in manifest.files.items():
        try:
            data = (where / name).read_bytes()
        except FileNotFoundError as exc:
            raise ArtifactError(f"artifact {where} is missing {name}") from exc
        _check_file(where, name, entry, len(data), hashlib.sha256(data).hexdigest())
        verified[name] = data

    loaded: dict[str, bytes | np.ndarray] = {}
    for name, data in verified.items():
        try:
            loaded[name] = _deserialise(name, data, manifest.files[name])
        except ValueError as exc:
            raise ArtifactError(f"artifact {where}: {name} cannot be read ({exc})") from exc
    return manifest, loaded
