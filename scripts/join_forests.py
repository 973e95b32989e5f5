#!/usr/bin/env python3
"""Joins realistic forests trained kind by kind into one forest that `eval` and `KindTable` read.

make_realistic.py draws every kind from its own random stream ("SEED-KIND"), so one seed can be
trained as several processes, one per group of kinds (`--kinds cpt,star`), side by side on several
cores; this script links their models into OUT/all/ (symbolic links, nothing copied) and writes
OUT/all/ground_truth.json, OUT/kinds/<kind>/ground_truth.json and OUT/key.json as a single run would.

A full run stopped early keeps the kinds it finished but writes no ground truth: with
--stopped DIR KIND,KIND it is rebuilt from the model names (a name is its parent's name plus one
part; the chain's links s1, s2, ... follow each other; '-untied' hangs from the base). Merges are
named without their parents, so the merge kind cannot be rebuilt this way.

usage: join_forests.py OUT [--stopped DIR KIND,KIND...] [PER_KIND_RUN...]
"""
import json
import os
import re
import sys


def rebuilt_parent(name, kind):
    if name == kind + '-b0':
        return None
    chain = re.match(r'(chain-half-b0)-s(\d+)$', name)
    if chain:
        step = int(chain.group(2))
        return chain.group(1) if step == 1 else f'{chain.group(1)}-s{step - 1}'
    if name.endswith('-untied'):
        return name.rsplit('-', 2)[0]
    return name.rsplit('-', 1)[0]


def edges(models):
    out = []
    for m in models:
        for p in (m.get('parents') or ([{'name': m['parent']}] if m['parent'] else [])):
            out.append([p['name'], m['name']])
    return out


def main(argv):
    if not argv:
        sys.exit(__doc__)
    out, argv = argv[0], argv[1:]
    os.makedirs(os.path.join(out, 'all'), exist_ok=True)
    models, families, keys, meta = [], {}, {}, None

    def link(src, name):
        dst = os.path.join(out, 'all', name)
        if not os.path.lexists(dst):
            os.symlink(os.path.abspath(src), dst)

    if argv[:1] == ['--stopped']:
        stopped, kinds, argv = argv[1], argv[2].split(','), argv[3:]
        if 'merge' in kinds:
            sys.exit('the merge kind cannot be rebuilt from names: train it with --kinds merge')
        for f in sorted(os.listdir(os.path.join(stopped, 'all'))):
            full = os.path.join(stopped, 'all', f)
            name = f if os.path.isdir(full) else f.rsplit('.', 1)[0]
            kind = next((k for k in kinds if name.startswith(k + '-b0')), None)
            if kind is None:
                continue
            parent = rebuilt_parent(name, kind)
            link(full, f)
            m = {'name': name, 'path': f, 'parent': parent,
                 'kind': None if parent is None else 'duplicate' if name.endswith(('-copy', '-bf16')) else 'fine-tune'}
            models.append(m)
            families.setdefault(kind, []).append(m)
    for run in argv:
        truth = json.load(open(os.path.join(run, 'all', 'ground_truth.json')))
        whole = json.load(open(os.path.join(run, 'key.json')))
        key = whole['models']
        meta = meta or whole.get('_meta')
        for m in truth['models']:
            keys[m['name']] = key[m['name']]
            link(os.path.join(run, 'all', m['path']), m['path'])
            models.append(m)
            families.setdefault(key[m['name']]['family'], []).append(m)
    json.dump({'models': models, 'edges': edges(models)}, open(os.path.join(out, 'all', 'ground_truth.json'), 'w'), indent=1)
    if keys:  # what the runs say of each model, for SignalTable (the models of --stopped have none)
        json.dump({'_meta': meta, 'models': keys}, open(os.path.join(out, 'key.json'), 'w'), indent=1)
    for kind, ms in families.items():
        os.makedirs(os.path.join(out, 'kinds', kind), exist_ok=True)
        ms = [dict(m, path='../../all/' + m['path']) for m in ms]
        json.dump({'models': ms, 'edges': edges(ms)}, open(os.path.join(out, 'kinds', kind, 'ground_truth.json'), 'w'), indent=1)
    print(f'{len(models)} models, {len(edges(models))} edges, kinds {", ".join(sorted(families))} -> {out}')


if __name__ == '__main__':
    main(sys.argv[1:])
