"""Write the stored model files of format 1.0 (run once, from the repository root).

    .venv/bin/python tests/data/make_model_files.py

The files are committed and never regenerated: tests/test_io.py checks that
this and every later version of logistica still loads them and predicts what
an independent numpy computation from their stored coefficients gives.
"""

from pathlib import Path

import numpy as np
import pandas as pd

import logistica

HERE = Path(__file__).parent


def main() -> None:
    rng = np.random.default_rng(11)
    X = rng.normal(size=(200, 4)) * [1.0, 10.0, 0.1, 3.0]
    y2 = (X @ [1.0, 0.1, 5.0, -0.3] + rng.logistic(size=200) > 0).astype(int)
    y3 = np.digitize(X @ [1.0, 0.1, 5.0, -0.3] + rng.logistic(size=200), [-1.0, 1.0])
    np.save(HERE / "model-v1.0-inputs.npy", X[:20])
    card = {"intended_use": "format regression test", "limitations": "synthetic data"}
    binary = logistica.LogisticRegression(standardize=True, C=0.5).fit(X, y2)
    logistica.save(binary, HERE / "model-v1.0-binary-standardized.json", model_card=card)
    multi = logistica.LogisticRegression().fit(X, y3)
    logistica.save(multi, HERE / "model-v1.0-multinomial.json", training_data=(X, y3))

    n = 300
    frame = pd.DataFrame(
        {
            "age": np.where(rng.random(n) < 0.1, np.nan, rng.normal(40, 12, n).round(1)),
            "city": pd.Series(
                np.where(rng.random(n) < 0.1, None, rng.choice(["lyon", "nice", "paris"], n)),
                dtype=object,
            ),
            "plan": rng.choice(["basic", "pro"], n),
            "member": pd.Series(
                np.where(rng.random(n) < 0.05, None, rng.random(n) < 0.4), dtype=object
            ),
        }
    )
    y = (rng.random(n) < 0.3 + 0.3 * (frame["plan"] == "pro")).astype(int)
    tabular = logistica.TabularModel(C=0.3).fit(frame, y)
    logistica.save(tabular, HERE / "model-v1.0-tabular.json", test_metrics={"accuracy": 0.7})
    rows = frame.head(12).copy()
    rows.loc[3, "city"] = "tokyo"  # an unseen level: all-zero one-hot columns
    rows.to_csv(HERE / "model-v1.0-tabular-rows.csv", index=False)


if __name__ == "__main__":
    main()
