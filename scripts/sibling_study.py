#!/usr/bin/env python3
"""Why siblings fine-tuned on the same text get chained: three distances on the full weights.

For every family of a realistic forest (../shared/tools/make_realistic.py) and every true edge g -> p,
each other model c whose true parent is g (a sibling of p) or p (a child of p) is printed with
  - d_tail(c, g) and d_tail(c, p): energy of the last quarter of the singular values of the difference
    of each lineage matrix (the engine's backbone distance, here on whole matrices, not sketches);
  - cos: cosine of the changes p - g and c - g over all lineage matrices;
  - tau: how much of p's own high-rank change c carries (the difference p - g projected on its
    trailing half of singular directions; 1 for a true child that kept p's change, 0 for an
    unrelated sibling);
  - slope low / high: the least-squares slope of c - g on p - g over the entries in the smallest
    and in the largest fifth of |p - g|. A child inherits p's change entry for entry, its small
    (noise-like) entries as much as its large ones; two runs on the same text share theirs at one
    slope too, so a same-text sibling reads as a point further along p's own path.
A sibling the engine would chain shows d_tail(c, p) < d_tail(c, g): it is the rows marked CHAINED.

Usage: /usr/bin/python3 scripts/sibling_study.py FOREST KIND[,KIND...]
(reads safetensors, sharded safetensors and PyTorch .bin files; needs numpy and Debian's python3-torch)
"""
import glob
import json
import os
import struct
import sys

import numpy as np
import torch

PREFIXES = ('base_model.model.', 'module.', '_orig_mod.', 'model.', 'transformer.')
EMBEDDINGS = ('embed', 'lm_head', 'wte', 'wpe')


def read_safetensors(path):
    with open(path, 'rb') as f:
        header = json.loads(f.read(struct.unpack('<Q', f.read(8))[0]))
        data = f.read()
    out = {}
    for name, t in header.items():
        if name == '__metadata__':
            continue
        a, b = t['data_offsets']
        raw = data[a:b]
        if t['dtype'] == 'F32':
            x = np.frombuffer(raw, np.float32)
        elif t['dtype'] == 'F16':
            x = np.frombuffer(raw, np.float16).astype(np.float32)
        elif t['dtype'] == 'BF16':
            x = (np.frombuffer(raw, np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            continue
        out[name] = x.reshape(t['shape'])
    return out


def read_pickle(path):
    return {k: v.float().numpy() for k, v in torch.load(path, map_location='cpu').items() if hasattr(v, 'float')}


def read(path):
    if os.path.isdir(path):
        out = {}
        for p in sorted(glob.glob(path + '/*.safetensors')):
            out.update(read_safetensors(p))
        for p in sorted(glob.glob(path + '/*.bin')):
            out.update(read_pickle(p))
        return out
    return read_safetensors(path) if path.endswith('.safetensors') else read_pickle(path)


def canonical(name):
    stripped = True
    while stripped:
        stripped = False
        for p in PREFIXES:
            if name.startswith(p):
                name, stripped = name[len(p):], True
    return name


def family(forest, kind):
    truth = json.load(open(f'{forest}/kinds/{kind}/ground_truth.json'))
    models = {}
    for m in truth['models']:
        path = os.path.normpath(os.path.join(forest, 'kinds', kind, m['path']))
        models[m['name']] = (m.get('parent'), {canonical(k): v.astype(np.float64) for k, v in read(path).items()})
    return models


def main(forest, kinds):
    for kind in kinds:
        models = family(forest, kind)
        names = sorted(models)
        parent = {n: models[n][0] for n in names}
        first = models[names[0]][1]
        keys = sorted(k for k, v in first.items() if v.ndim == 2 and not any(e in k for e in EMBEDDINGS))

        def w(n, k):
            return models[n][1][k]

        def tail(a, b):
            total = 0.0
            for k in keys:
                s = np.linalg.svd(w(a, k) - w(b, k), compute_uv=False)
                total += np.sum(s[int(len(s) * 0.75):] ** 2) / s.size
            return total / len(keys) * 1e6

        def slopes(c, p, g):
            dp = np.concatenate([(w(p, k) - w(g, k)).ravel() for k in keys])
            dc = np.concatenate([(w(c, k) - w(g, k)).ravel() for k in keys])
            a = np.abs(dp)
            lo, hi = np.quantile(a, [0.2, 0.8])
            out = []
            for s in (a <= lo, a >= hi):
                out.append(np.dot(dc[s], dp[s]) / np.dot(dp[s], dp[s]))
            return out

        def cos_and_tau(c, p, g):
            dot = pp = cc = num = den = 0.0
            for k in keys:
                dp, dc = w(p, k) - w(g, k), w(c, k) - w(g, k)
                dot += np.sum(dp * dc)
                pp += np.sum(dp * dp)
                cc += np.sum(dc * dc)
                u, s, vt = np.linalg.svd(dp)
                i = len(s) // 2
                num += np.sum(np.diag(u[:, i:len(s)].T @ dc @ vt[i:, :].T) * s[i:])
                den += np.sum(s[i:] ** 2)
            return dot / np.sqrt(pp * cc), num / den

        for p in names:
            g = parent[p]
            if not g:
                continue
            for c in names:
                if c in (p, g) or parent[c] not in (p, g):
                    continue
                relation = 'child' if parent[c] == p else 'sibling'
                to_g, to_p = tail(c, g), tail(c, p)
                cos, tau = cos_and_tau(c, p, g)
                low, high = slopes(c, p, g)
                chained = relation == 'sibling' and to_p < to_g
                print(f'{kind:10s} {relation:7s} g={g:22s} p={p:22s} c={c:22s} '
                      f'd_tail(c,g)={to_g:7.2f} d_tail(c,p)={to_p:7.2f} cos={cos:5.2f} tau={tau:6.2f} '
                      f'slope low={low:5.2f} high={high:5.2f}'
                      + ('  CHAINED' if chained else ''))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2].split(','))
