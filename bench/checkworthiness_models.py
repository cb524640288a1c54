"""Every check-worthiness model tried, on the same group-held-out splits as the shipped one.

    python bench/checkworthiness_models.py [--data DIR] [--no-record]

Splits come from checker/training/checkworthiness.py (seed 0): whole debates held out. "best F1" is the F1 at
the threshold that is best on the dev part, applied to the test part.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from common import ROOT, record

from checker.claims.checkworthy import default_model
from checker.claims.features import score_sentence
from checker.claims.linear import fit_logistic
from checker.config import load_settings
from checker.evaluate.metrics import classification_scores
from checker.text.embed import get_embedder
from checker.training.checkworthiness import load_parts, train_checkworthiness


def dev_threshold(dev_scores: list[float], dev_labels: list[int]) -> float:
    grid = np.arange(0.02, 0.98, 0.01)
    return float(max(grid, key=lambda t: classification_scores(dev_scores, dev_labels, float(t))["f1"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "checkworthiness")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    settings = load_settings()
    parts = load_parts(args.data, embedder=get_embedder(settings.model), cache=settings.cache, seed=0)
    shipped = default_model()  # the fine-tuned classifier
    embedder = get_embedder(settings.model)
    linear, _ = train_checkworthiness(args.data, embedder=embedder, cache=settings.cache, seed=0, log=lambda _: None)

    def features_only(x: np.ndarray, texts: list[str]) -> np.ndarray:
        return np.array([score_sentence(t)[0] for t in texts])

    def shipped_model(x: np.ndarray, texts: list[str]) -> np.ndarray:
        return shipped.score(texts)

    def linear_model(x: np.ndarray, texts: list[str]) -> np.ndarray:
        a, b = linear.calibration
        return 1 / (1 + np.exp(-(a * linear.linear.decision(x) + b)))

    cb = parts["claimbuster"]
    lr_cb = fit_logistic(cb["train"].x, cb["train"].labels, l2=100.0)
    lr_cb_emb = fit_logistic(cb["train"].x[:, :384], cb["train"].labels, l2=10.0)
    models = {
        "transparent features (the first scorer)": features_only,
        "shipped: fine-tuned MiniLM (top layers + two-class head), all three datasets": shipped_model,
        "logistic regression, embedding + features, all three datasets (train --kind linear)": linear_model,
        "logistic regression, embedding + features, ClaimBuster only": lambda x, t: lr_cb.predict(x),
        "logistic regression, embedding only, ClaimBuster only": lambda x, t: lr_cb_emb.predict(x[:, :384]),
    }
    try:
        import torch

        def mlp(hidden: int, epochs: int):  # type: ignore[no-untyped-def]
            torch.manual_seed(0)
            xt = torch.tensor(cb["train"].x, dtype=torch.float32)
            yt = torch.tensor(cb["train"].labels, dtype=torch.float32)
            mu, sd = xt.mean(0), xt.std(0) + 1e-6
            net = torch.nn.Sequential(torch.nn.Linear(xt.shape[1], hidden), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                                      torch.nn.Linear(hidden, 1))
            opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-3)
            for _ in range(epochs):
                net.train()
                perm = torch.randperm(len(xt))
                for i in range(0, len(xt), 128):
                    idx = perm[i : i + 128]
                    loss = torch.nn.functional.binary_cross_entropy_with_logits(
                        net((xt[idx] - mu) / sd).squeeze(1), yt[idx])
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
            net.eval()

            def predict(x: np.ndarray, texts: list[str]) -> np.ndarray:
                with torch.no_grad():
                    return torch.sigmoid(net((torch.tensor(x, dtype=torch.float32) - mu) / sd).squeeze(1)).numpy()

            return predict

        models["MLP (256 hidden, 10 epochs), ClaimBuster only"] = mlp(256, 10)
        models["MLP (64 hidden, 30 epochs), ClaimBuster only"] = mlp(64, 30)
    except ImportError:
        pass

    header = ("| model | ClaimBuster test F1 (dev threshold) | ClaimBuster test AP | CheckThat! 2020-5 test MAP "
              "| CheckThat! 2021 1A dev AP |")
    lines = [header, "|---|---|---|---|---|"]
    for name, fn in models.items():
        cells = []
        dev = cb["dev"]
        t = dev_threshold(fn(dev.x, dev.texts).tolist(), dev.labels.tolist())
        test = cb["test"]
        r = classification_scores(fn(test.x, test.texts).tolist(), test.labels.tolist(), t)
        cells += [f"{r['f1']:.3f} (t={t:.2f})", f"{r['ap']:.3f}"]
        ct20 = parts["ct2020"]["test"]
        ct20_scores = fn(ct20.x, ct20.texts).tolist()
        cells.append(f"{classification_scores(ct20_scores, ct20.labels.tolist(), 0.5, ct20.groups)['map']:.3f}")
        ct21 = parts["ct2021"]["test"]
        cells.append(f"{classification_scores(fn(ct21.x, ct21.texts).tolist(), ct21.labels.tolist(), 0.5)['ap']:.3f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    if not args.no_record:
        record("checkworthiness_models",
               ["group-held-out splits of checker/training/checkworthiness.py, seed 0", "", *lines])


if __name__ == "__main__":
    main()
