#!/usr/bin/python3
"""Trains a realistic forest at a wider shape than ../shared/corpus/realistic, so that lineage runs
the paths real models take: more square matrices than a pair comparison samples (5 layers x 4
attention projections = 20 > 16) and sides wider than the 128-wide sketch (d_model 160).

usage: make_wide_forest.py OUT --seed S [--kinds ft-wd,star,...] [--tools DIR]
Imports ../shared/tools/make_realistic.py (or --tools DIR) and changes its module settings before
generate(): CFG (d_model 160, 5 layers, MLP 256), and shorter training (steps / 4) so a forest
trains in about the time of a small one on one core.
"""
import argparse, os, sys

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--seed", type=int, required=True)
ap.add_argument("--kinds", default="ft-wd,star,quantized,merge")
ap.add_argument("--tools", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "tools"))
a = ap.parse_args()
sys.path.insert(0, a.tools)
import make_realistic as mr

mr.CFG.update({"d_model": 160, "n_layers": 5, "n_heads": 4, "n_kv_heads": 4, "ffn": 256})
mr.PRETRAIN["steps"] = [150, 225]
mr.RECIPE["steps"] = [25, 100]
mr.generate(a.out, a.seed, a.kinds.split(","))
