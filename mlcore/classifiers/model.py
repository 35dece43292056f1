"""The category classifier: document embedding + TF-IDF views, a linear model, calibrated output.

Predictions below a confidence threshold (chosen by cross-validation on the training data) come
back with ``label=None``: "uncertain" rather than a wrong category.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from mlcore.artifacts import ArtifactError, Manifest, data_fingerprint, load_artifact, save_artifact
from mlcore.classifiers.calibration import choose_threshold, fit_temperature, softmax
from mlcore.classifiers.features import TfidfBlocks, text_views
from mlcore.embeddings.base import Embedder
from mlcore.embeddings.text import has_words

ARTIFACT_KIND = "category-classifier"
EMBEDDING_BLOCKS = ("document", "title", "role")
MODELS = ("svm", "logreg")


@dataclass(frozen=True)
class Prediction:
    """The category of one text.

    Attributes
    ----------
    label : str or None
        The predicted category, or None when ``confidence`` is below the classifier's threshold
        (the text is "uncertain").
    confidence : float
        Calibrated probability of the top category.
    top : tuple of (label, probability)
        The ``top_k`` most probable categories, best first (also given when uncertain).
    """

    label: str | None
    confidence: float
    top: tuple[tuple[str, float], ...]

    @property
    def uncertain(self) -> bool:
        return self.label is None


class CategoryClassifier(BaseEstimator):
    """Linear classifier over embeddings and TF-IDF blocks of three text views.

    The views of a text are its whole body, its first line (a resume's job title) and its most
    recent role (see ``features.recent_role``). Each view gives an L2-normalised TF-IDF block;
    the body also gives the pooled document embedding, the title and the role a short-text
    embedding each. Every block is scaled by its weight and the blocks are joined.

    The default weights won 5-fold cross-validation on the livecareer training split, averaged
    over resumes with and without their title line (``bench/eval_classifiers.py --variants``).

    Parameters
    ----------
    embedder : Embedder or None
        Computes the embeddings that ``fit``/``predict`` are not given; unused when
        ``use_embeddings`` is False. Not saved with the model (its ``model_id`` is).
    use_embeddings : bool
        Include the embedding blocks in the features.
    embedding_weight : float
        Factor on the (unit-length) document embedding.
    title_embedding_weight, role_embedding_weight : float
        Factors on the (unit-length) embeddings of the title line and of the most recent role;
        0 leaves them out.
    body_weight, title_weight, role_weight : float
        Factors on the TF-IDF blocks of the body, the title line and the most recent role;
        0 leaves a view out.
    max_features : int or None
        Vocabulary cap of the body block.
    model : {"svm", "logreg"}
        Linear SVM (one-vs-rest) or multinomial logistic regression.
    C : float
        Inverse regularisation strength.
    class_weight : None or "balanced"
        Passed to the linear model.
    uncertain_threshold : float or "auto"
        Confidence under which ``predict`` answers None. "auto" picks the lowest threshold whose
        out-of-fold accuracy on the answered texts reaches ``target_accuracy``.
    target_accuracy : float
        Accuracy wanted on answered texts when the threshold is "auto".
    cv : int
        Folds of the out-of-fold scores that fit the temperature and the threshold.
    top_k : int
        Categories listed in ``Prediction.top``.
    random_state : int or None
        Seeds the folds and the linear model.

    Attributes
    ----------
    classes_ : ndarray of str
    coef_, intercept_ : ndarray
        The linear model over the joined features (TF-IDF blocks first, embedding last).
    temperature_ : float
        Softmax temperature fitted on out-of-fold scores.
    threshold_ : float
        The confidence threshold in use.
    cv_accuracy_, cv_coverage_, cv_answered_accuracy_ : float
        Out-of-fold accuracy, and share answered / accuracy on answered at ``threshold_``.
    embedding_dim_ : int
        Width of each embedding block (0 without embeddings).
    embedding_blocks_ : tuple of str
        The embedding blocks in use, in feature order ("document", "title", "role").
    embedder_model_id_ : str
        ``model_id`` of the embedder the model was trained with ("" without embeddings).
    data_hash_ : str
        Fingerprint of the training texts and labels.
    """

    def __init__(
        self,
        *,
        embedder: Embedder | None = None,
        use_embeddings: bool = True,
        embedding_weight: float = 1.0,
        title_embedding_weight: float = 0.25,
        role_embedding_weight: float = 1.0,
        body_weight: float = 1.0,
        title_weight: float = 0.5,
        role_weight: float = 1.0,
        max_features: int | None = None,
        model: str = "svm",
        C: float = 1.0,
        class_weight: str | None = None,
        uncertain_threshold: float | str = "auto",
        target_accuracy: float = 0.9,
        cv: int = 5,
        top_k: int = 3,
        random_state: int | None = 0,
    ):
        self.embedder = embedder
        self.use_embeddings = use_embeddings
        self.embedding_weight = embedding_weight
        self.title_embedding_weight = title_embedding_weight
        self.role_embedding_weight = role_embedding_weight
        self.body_weight = body_weight
        self.title_weight = title_weight
        self.role_weight = role_weight
        self.max_features = max_features
        self.model = model
        self.C = C
        self.class_weight = class_weight
        self.uncertain_threshold = uncertain_threshold
        self.target_accuracy = target_accuracy
        self.cv = cv
        self.top_k = top_k
        self.random_state = random_state

    # -- features ---------------------------------------------------------------------------
    def _block_weights(self) -> dict[str, float]:
        weights = {
            "document": self.embedding_weight,
            "title": self.title_embedding_weight,
            "role": self.role_embedding_weight,
        }
        return {k: float(w) for k, w in weights.items() if w}

    def _embedding_blocks(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray | Mapping[str, np.ndarray] | None,
        blocks: Sequence[str],
        dim: int | None,
    ) -> dict[str, np.ndarray]:
        """The embedding blocks ``blocks`` of ``texts``: given ones checked, missing ones computed."""
        given = {"document": embeddings} if isinstance(embeddings, np.ndarray) else embeddings
        given = dict(given or {})
        unknown = set(given) - set(EMBEDDING_BLOCKS)
        if unknown:
            raise ValueError(f"unknown embedding blocks {sorted(unknown)}; use {EMBEDDING_BLOCKS}")
        views = None
        out = {}
        for name in blocks:
            if given.get(name) is not None:
                emb = np.asarray(given[name], dtype=np.float32)
                if emb.ndim != 2 or emb.shape[0] != len(texts):
                    raise ValueError(
                        f"{name} embeddings must have shape (n_texts, dim) = ({len(texts)}, dim), "
                        f"got {emb.shape}"
                    )
            elif self.embedder is None:
                raise ValueError(
                    f"use_embeddings=True needs an embedder or precomputed {name} embeddings"
                )
            elif name == "document":
                emb = document_vectors(self.embedder, texts)
            else:
                views = views or text_views(texts)
                emb = view_vectors(self.embedder, views[name])
            if dim is not None and emb.shape[1] != dim:
                raise ValueError(
                    f"{name} embeddings have dim {emb.shape[1]}, the model was fitted on {dim}"
                )
            dim = int(emb.shape[1])
            out[name] = emb
        return out

    def _features(
        self, texts: Sequence[str], embeddings: np.ndarray | Mapping[str, np.ndarray] | None
    ) -> sp.csr_matrix:
        parts = [self.tfidf_.transform(texts)]
        if self.embedding_blocks_:
            weights = self._block_weights()
            dense = self._embedding_blocks(
                texts, embeddings, self.embedding_blocks_, self.embedding_dim_
            )
            parts += [sp.csr_matrix(dense[b] * weights[b]) for b in self.embedding_blocks_]
        return sp.hstack(parts, format="csr")

    def _linear_model(self) -> LinearSVC | LogisticRegression:
        if self.model == "svm":
            return LinearSVC(
                C=self.C, class_weight=self.class_weight, random_state=self.random_state
            )
        if self.model == "logreg":
            return LogisticRegression(
                C=self.C,
                class_weight=self.class_weight,
                max_iter=3000,
                random_state=self.random_state,
            )
        raise ValueError(f"model must be one of {MODELS}, got {self.model!r}")

    @staticmethod
    def _scores_of(est: LinearSVC | LogisticRegression, X: sp.csr_matrix) -> np.ndarray:
        s = est.decision_function(X)
        return np.column_stack([-s, s]) if s.ndim == 1 else s

    # -- fitting ----------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        embeddings: np.ndarray | Mapping[str, np.ndarray] | None = None,
    ) -> CategoryClassifier:
        """Fit on texts and their category labels.

        Parameters
        ----------
        texts : sequence of str
        labels : sequence of str
            At least two distinct categories.
        embeddings : ndarray of shape (n_texts, dim) or mapping, optional
            Precomputed embeddings (e.g. from a cache): an array holds the document embeddings;
            a mapping may hold "document", "title" and "role" arrays. Missing blocks are
            computed with ``embedder``.

        Returns
        -------
        self
        """
        texts = list(texts)
        labels = [str(lab) for lab in labels]
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        self.classes_, y = np.unique(np.asarray(labels, dtype=object), return_inverse=True)
        self.classes_ = self.classes_.astype(str)
        if len(self.classes_) < 2:
            raise ValueError("fit needs at least two distinct categories")
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {MODELS}, got {self.model!r}")

        weights = self._block_weights() if self.use_embeddings else {}
        dense = self._embedding_blocks(texts, embeddings, list(weights), None) if weights else {}
        self.embedding_blocks_ = tuple(dense)
        self.embedding_dim_ = next(iter(dense.values())).shape[1] if dense else 0
        self.embedder_model_id_ = str(getattr(self.embedder, "model_id", "")) if dense else ""
        # The vectorisers see the whole training split once; the folds below reuse them, so
        # out-of-fold scores know the fold's vocabulary (a small optimism, ~5x faster fits).
        self.tfidf_ = TfidfBlocks(
            {"body": self.body_weight, "title": self.title_weight, "role": self.role_weight},
            max_features=self.max_features,
        )
        X = sp.hstack(
            [self.tfidf_.fit_transform(texts)]
            + [sp.csr_matrix(dense[b] * weights[b]) for b in self.embedding_blocks_],
            format="csr",
        )

        oof = self._out_of_fold_scores(X, y)
        if oof is None:
            self.temperature_ = 1.0
            self.cv_accuracy_ = self.cv_coverage_ = self.cv_answered_accuracy_ = float("nan")
            self.threshold_ = (
                0.0 if self.uncertain_threshold == "auto" else float(self.uncertain_threshold)
            )
        else:
            self.temperature_ = fit_temperature(oof, y)
            proba = softmax(oof, self.temperature_)
            conf, correct = proba.max(axis=1), proba.argmax(axis=1) == y
            if self.uncertain_threshold == "auto":
                self.threshold_ = choose_threshold(
                    conf, correct, target_accuracy=self.target_accuracy
                )
            else:
                self.threshold_ = float(self.uncertain_threshold)
            answered = conf >= self.threshold_
            self.cv_accuracy_ = float(correct.mean())
            self.cv_coverage_ = float(answered.mean())
            self.cv_answered_accuracy_ = (
                float(correct[answered].mean()) if answered.any() else float("nan")
            )

        est = self._linear_model().fit(X, y)
        coef = np.asarray(est.coef_, dtype=np.float64)
        intercept = np.asarray(est.intercept_, dtype=np.float64).ravel()
        if coef.shape[0] == 1:  # binary: one score s becomes the pair (-s, s)
            coef, intercept = np.vstack([-coef, coef]), np.r_[-intercept, intercept]
        self.coef_, self.intercept_ = coef, intercept
        self.data_hash_ = data_fingerprint(texts, labels)
        return self

    def _out_of_fold_scores(self, X: sp.csr_matrix, y: np.ndarray) -> np.ndarray | None:
        """Scores of each training text by a model that did not see it (``cv`` folds)."""
        folds = min(int(self.cv or 0), len(y))
        if folds < 2 or np.bincount(y).max() < folds:
            return None
        skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.random_state)
        oof = np.zeros((X.shape[0], len(self.classes_)), dtype=np.float64)
        with warnings.catch_warnings():
            # Categories rarer than the folds (a job family with 2 postings) are expected.
            warnings.filterwarnings("ignore", "The least populated class", UserWarning)
            splits = list(skf.split(np.zeros(len(y)), y))
        for train, held in splits:
            present = np.unique(y[train])
            if len(present) < 2:
                return None
            est = self._linear_model().fit(X[train], y[train])
            s = self._scores_of(est, X[held])
            # A category absent from this fold's training part scores below every other one:
            # the model could not have predicted it.
            full = np.repeat(s.min(axis=1, keepdims=True) - 10.0, len(self.classes_), axis=1)
            full[:, present] = s
            oof[held] = full
        return oof

    # -- prediction -------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise ValueError("this CategoryClassifier is not fitted yet: call fit() or load()")

    def decision_function(
        self,
        texts: Sequence[str],
        *,
        embeddings: np.ndarray | Mapping[str, np.ndarray] | None = None,
    ) -> np.ndarray:
        """Raw linear scores, shape ``(n_texts, n_classes)``."""
        self._check_fitted()
        X = self._features(list(texts), embeddings)
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def predict_proba(
        self,
        texts: Sequence[str],
        *,
        embeddings: np.ndarray | Mapping[str, np.ndarray] | None = None,
    ) -> np.ndarray:
        """Calibrated probabilities, shape ``(n_texts, n_classes)``, columns in ``classes_``."""
        return softmax(self.decision_function(texts, embeddings=embeddings), self.temperature_)

    def predict(
        self,
        texts: Sequence[str],
        *,
        embeddings: np.ndarray | Mapping[str, np.ndarray] | None = None,
    ) -> list[Prediction]:
        """The category of each text, or ``label=None`` when its confidence is under threshold.

        Parameters
        ----------
        texts : sequence of str
        embeddings : ndarray of shape (n_texts, dim) or mapping, optional
            Precomputed embeddings from the same embedder as in ``fit`` (see ``fit``).

        Returns
        -------
        list of Prediction
        """
        texts = list(texts)
        proba = self.predict_proba(texts, embeddings=embeddings)
        preds = predictions_from_proba(
            proba, self.classes_, threshold=self.threshold_, top_k=self.top_k
        )
        # A text with no words carries no evidence, however the priors (intercepts) lean.
        return [
            p if has_words(t) else Prediction(label=None, confidence=p.confidence, top=p.top)
            for p, t in zip(preds, texts, strict=True)
        ]

    # -- persistence ------------------------------------------------------------------------
    def _saved_params(self) -> dict[str, Any]:
        params = self.get_params(deep=False)
        params.pop("embedder")
        return params

    def save(self, directory: str | os.PathLike[str], *, overwrite: bool = False) -> Manifest:
        """Save as an artifact folder of JSON and ``.npy`` files (no pickle), atomically.

        Returns
        -------
        Manifest
        """
        self._check_fitted()
        state = {
            "classes": [str(c) for c in self.classes_],
            "temperature": self.temperature_,
            "threshold": self.threshold_,
            "embedding_dim": self.embedding_dim_,
            "embedding_blocks": list(self.embedding_blocks_),
            "embedder_model_id": self.embedder_model_id_,
        }
        files: dict[str, bytes | np.ndarray] = {
            "coef.npy": self.coef_,
            "intercept.npy": self.intercept_,
            "state.json": json.dumps(state).encode(),
            **self.tfidf_.to_files(),
        }
        metrics = {
            "cv_accuracy": _finite_or_none(self.cv_accuracy_),
            "cv_coverage": _finite_or_none(self.cv_coverage_),
            "cv_answered_accuracy": _finite_or_none(self.cv_answered_accuracy_),
        }
        return save_artifact(
            directory,
            files,
            kind=ARTIFACT_KIND,
            params=self._saved_params(),
            metrics=metrics,
            data_hash=self.data_hash_,
            overwrite=overwrite,
        )

    @classmethod
    def load(
        cls, directory: str | os.PathLike[str], *, embedder: Embedder | None = None
    ) -> CategoryClassifier:
        """Load a saved classifier after verifying the artifact (see ``load_artifact``).

        Parameters
        ----------
        directory : path
        embedder : Embedder, optional
            Needed to predict from raw text when the model uses embeddings; its ``model_id``
            must be the one the model was trained with.

        Raises
        ------
        ArtifactError
            Corrupt, altered or incompatible artifact, or an embedder of another model.
        """
        manifest, files = load_artifact(directory, kind=ARTIFACT_KIND)
        try:
            state = json.loads(files["state.json"])
            clf = cls(embedder=embedder, **manifest.params)
            clf.classes_ = np.asarray(state["classes"], dtype=str)
            clf.temperature_ = float(state["temperature"])
            clf.threshold_ = float(state["threshold"])
            clf.embedding_dim_ = int(state["embedding_dim"])
            clf.embedding_blocks_ = tuple(str(b) for b in state["embedding_blocks"])
            if not set(clf.embedding_blocks_) <= set(EMBEDDING_BLOCKS):
                raise ValueError(f"unknown embedding blocks {clf.embedding_blocks_}")
            clf.embedder_model_id_ = str(state["embedder_model_id"])
            clf.coef_ = np.asarray(files["coef.npy"], dtype=np.float64)
            clf.intercept_ = np.asarray(files["intercept.npy"], dtype=np.float64)
            clf.tfidf_ = TfidfBlocks.from_files(files)
        except (KeyError, TypeError, ValueError) as exc:
            raise ArtifactError(
                f"artifact {directory}: classifier state is incomplete ({exc})"
            ) from exc
        n_classes = len(clf.classes_)
        n_features = clf.tfidf_.n_features_ + clf.embedding_dim_ * len(clf.embedding_blocks_)
        if clf.coef_.shape != (n_classes, n_features) or clf.intercept_.shape != (n_classes,):
            raise ArtifactError(
                f"artifact {directory}: coefficients of shape {clf.coef_.shape} do not fit "
                f"{n_classes} classes x {n_features} features"
            )
        if (
            embedder is not None
            and clf.embedder_model_id_
            and (getattr(embedder, "model_id", None) != clf.embedder_model_id_)
        ):
            raise ArtifactError(
                f"artifact {directory} was trained on {clf.embedder_model_id_!r} embeddings, "
                f"not {getattr(embedder, 'model_id', None)!r}"
            )
        metrics = manifest.metrics
        clf.cv_accuracy_ = _nan_if_none(metrics.get("cv_accuracy"))
        clf.cv_coverage_ = _nan_if_none(metrics.get("cv_coverage"))
        clf.cv_answered_accuracy_ = _nan_if_none(metrics.get("cv_answered_accuracy"))
        clf.data_hash_ = manifest.data_hash
        return clf


def document_vectors(
    embedder: Embedder, texts: Sequence[str], *, batch_size: int = 32
) -> np.ndarray:
    """Pooled document embeddings, shape ``(n, embedder.dim)``; a text without words gets zeros.

    Zeros rather than an error: one blank upload must not stop the classification of a batch,
    and a zero block leaves the decision to the TF-IDF features (which are empty too, so the
    prediction falls under the threshold).
    """
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    idx = [i for i, t in enumerate(texts) if has_words(t)]
    if idx:
        docs = embedder.encode_documents([texts[i] for i in idx], batch_size=batch_size)
        out[idx] = np.stack([d.vector for d in docs])
    return out


def view_vectors(embedder: Embedder, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
    """Short-text embeddings (titles, role snippets); a text without words gets zeros."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    idx = [i for i, t in enumerate(texts) if has_words(t)]
    if idx:
        out[idx] = embedder.encode([texts[i] for i in idx], batch_size=batch_size)
    return out


def predictions_from_proba(
    proba: np.ndarray, classes: Sequence[str], *, threshold: float, top_k: int = 3
) -> list[Prediction]:
    """``Prediction`` objects from a probability matrix (columns in ``classes`` order)."""
    classes = [str(c) for c in classes]
    k = max(1, min(int(top_k), len(classes)))
    out = []
    for row in np.asarray(proba, dtype=np.float64):
        order = np.argsort(-row, kind="stable")[:k]
        top = tuple((classes[j], float(row[j])) for j in order)
        conf = top[0][1]
        out.append(
            Prediction(label=top[0][0] if conf >= threshold else None, confidence=conf, top=top)
        )
    return out


def _finite_or_none(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _nan_if_none(x: Any) -> float:
    return float("nan") if x is None else float(x)
