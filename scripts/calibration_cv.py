#!/usr/bin/env python3
"""Left-one-forest-out check of the tree edges' confidence model, for a range of ridges.

Records every found tree edge's inputs (margin, agreement, consensus, tail decided, continuation,
read as Confidence.inputs reads it: its sign; held by rows)
and whether it is right with CalibrationFit --samples, one folder at a time; then, for each ridge,
fits the logistic model (as CalibrationFit does: Newton's method, the ridge on every coefficient)
on all folders but one language-model forest, predicts that forest's tree edges, and prints the
pooled calibration error (10 equal-width bins) and log loss over the forests left out. Folders that
are not forests (../shared/corpus/vit-ft, ...) are always in the training set. Last, the same two
figures for the coefficients the engine ships (Confidence.TREE) on the same edges: a refit is worth
taking only where it beats them on forests it did not see.

Usage: python3 scripts/calibration_cv.py --forests F1/all F2/all ... [--always DIR ...]
       [--jar heritage-rest-javalin/target/heritage-server.jar] [--ridges 0.01,0.1,1,3]
       [--confidence heritage-core/src/main/java/org/modelheritage/lineage/Confidence.java]
(needs numpy)
"""
import argparse
import re
import subprocess

import numpy as np

TREE_KINDS = ('FINE_TUNE', 'RESIZE')


def samples(jar, folder):
    out = subprocess.run(['java', '-cp', jar, 'org.modelheritage.eval.CalibrationFit', '--samples', folder],
                         check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        t = line.split()
        if t and t[0] == 'sample' and t[1] in TREE_KINDS:
            # Confidence.inputs: the continuation enters as its sign
            x = [1.0, float(t[2]), float(t[3]), float(t[4]), 1.0 if t[5] == 'true' else 0.0,
                 1.0 if float(t[6]) > 0 else 0.0, 1.0 if len(t) > 8 and t[8] == 'true' else 0.0]
            rows.append((x, 1.0 if t[7] == 'true' else 0.0))
    return rows


def fit(rows, ridge):
    x = np.array([r[0] for r in rows])
    y = np.array([r[1] for r in rows])
    w = np.zeros(x.shape[1])
    for _ in range(50):
        q = 1 / (1 + np.exp(-x @ w))
        grad = x.T @ (q - y) + ridge * w
        hess = (x.T * (q * (1 - q))) @ x + ridge * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if step @ step < 1e-14:
            break
    return w


def calibration_error(p, y):
    total = 0.0
    for b in range(10):
        s = (p >= b / 10) & ((p < (b + 1) / 10) if b < 9 else (p <= 1))
        if s.any():
            total += s.sum() / len(p) * abs(p[s].mean() - y[s].mean())
    return total


def predict(w, rows):
    """The logistic model's confidences for the inputs of rows."""
    return np.array([1 / (1 + np.exp(-np.dot(w, x))) for x, _ in rows])


def scores(p, y):
    """The figures printed for predictions p of labels y."""
    log_loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return (f'{len(p)} tree edges, {int(len(p) - y.sum())} wrong, calibration error '
            f'{calibration_error(p, y):.4f}, log loss {log_loss:.4f}, mean confidence {p.mean():.3f}')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--forests', nargs='+', required=True)
    ap.add_argument('--always', nargs='*', default=[])
    ap.add_argument('--jar', default='heritage-rest-javalin/target/heritage-server.jar')
    ap.add_argument('--ridges', default='0.01,0.1,0.3,1,2,3,10')
    ap.add_argument('--confidence', default='heritage-core/src/main/java/org/modelheritage/lineage/Confidence.java')
    a = ap.parse_args()
    forests = {f: samples(a.jar, f) for f in a.forests}
    always = [r for d in a.always for r in samples(a.jar, d)]
    for ridge in (float(r) for r in a.ridges.split(',')):
        p, y = [], []
        for left_out, rows in forests.items():
            train = always + [r for f, rs in forests.items() if f != left_out for r in rs]
            w = fit(train, ridge)
            p += list(predict(w, rows))
            y += [r for _, r in rows]
        print(f'ridge {ridge:5g}: {scores(np.array(p), np.array(y))}')
    tree = re.search(r'double\[\] TREE = \{([^}]*)\}', open(a.confidence).read()).group(1)
    shipped = np.array([float(v) for v in tree.split(',')])
    rows = [r for rs in forests.values() for r in rs]
    print(f'shipped   : {scores(predict(shipped, rows), np.array([r for _, r in rows]))}')


if __name__ == '__main__':
    main()
