#!/usr/bin/python3
# metrics-reference.py: the reference computation behind tests/dataset/data/metrics-*
#
# Writes seeded test cases (an mmaction2 truth list and a MAC challenge prediction CSV each)
# and the numbers scikit-learn's definitions give for them, computed here from first
# principles in plain Python (no numpy, no scikit-learn), so test-metrics.c checks the C code
# against an independent implementation:
#   accuracy@k   share of clips whose true class is among the first k predictions
#   F1 per class 2 TP / (2 TP + FP + FN) on the top-1 prediction, 0 without a TP
#                (f1_score's zero_division default)
#   micro F1     pooled TP, FP, FN over the classes (for single-label data: accuracy@1)
#   macro F1     unweighted mean of the per-class F1 over the sorted classes present in the
#                truth or the top-1 predictions (f1_score's labels=None)
#   F1_mean      mean of micro and macro F1 at the fine and coarse levels (MAC challenge)
#
# Run once from the top of the tree:  /usr/bin/python3 tests/dataset/metrics-reference.py
# The outputs are committed; the test never runs Python.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")

# MA-52: model class index -> body part index (../shared/taxonomy/ma52.tsv).
FINE_TO_COARSE = [0] * 5 + [1] * 6 + [2] * 13 + [3] * 8 + [4] * 6 + [5] * 10 + [6] * 4
N_FINE = 52
N_COARSE = 7
assert len(FINE_TO_COARSE) == N_FINE


def f1_scores(truth, pred):
    labels = sorted(set(truth) | set(pred))
    per_class = []
    tp_all = fp_all = fn_all = 0
    for c in labels:
        tp = sum(1 for t, p in zip(truth, pred) if t == c and p == c)
        fp = sum(1 for t, p in zip(truth, pred) if t != c and p == c)
        fn = sum(1 for t, p in zip(truth, pred) if t == c and p != c)
        per_class.append(2.0 * tp / (2 * tp + fp + fn) if tp > 0 else 0.0)
        tp_all += tp
        fp_all += fp
        fn_all += fn
    micro = 2.0 * tp_all / (2 * tp_all + fp_all + fn_all) if tp_all > 0 else 0.0
    macro = 0.0
    for f in per_class:
        macro += f
    macro = macro / len(per_class)
    return micro, macro


def accuracy(truth, ranked, k):
    return sum(1 for t, r in zip(truth, ranked) if t in r[:k]) / len(truth)


def ranking(rng, first, n, rest_avoid=None):
    """A top-5 ranking that starts with @first and holds no repeats."""
    out = [first]
    while len(out) < 5:
        c = rng.randrange(n)
        if c not in out:
            out.append(c)
    return out


def make_case(name, seed, n_clips, classes, p_top1, p_top5, p_body, vid_suffix):
    rng = random.Random(seed)
    weights = [rng.random() ** 2 for _ in classes]
    rows = []
    for i in range(n_clips):
        participant = 1 + rng.randrange(40)
        label = rng.choices(classes, weights)[0]
        vid = "%04d_%02d_%04d" % (participant, FINE_TO_COARSE[label], i + 1)
        u = rng.random()
        if u < p_top1:
            actions = ranking(rng, label, N_FINE)
        else:
            wrong = rng.randrange(N_FINE)
            while wrong == label:
                wrong = rng.randrange(N_FINE)
            actions = ranking(rng, wrong, N_FINE)
            if u < p_top1 + p_top5 and label not in actions:
                actions[1 + rng.randrange(4)] = label
        coarse = FINE_TO_COARSE[label]
        if rng.random() < p_body:
            body = ranking(rng, coarse, N_COARSE)
        else:
            wrong = rng.randrange(N_COARSE)
            while wrong == coarse:
                wrong = rng.randrange(N_COARSE)
            body = ranking(rng, wrong, N_COARSE)
        rows.append((vid, label, actions, body))

    with open(os.path.join(DATA, "metrics-%s.list" % name), "w") as f:
        for vid, label, _, _ in rows:
            f.write("test/%s.mp4 %d\n" % (vid, label))
    shuffled = rows[:]
    rng.shuffle(shuffled)
    with open(os.path.join(DATA, "metrics-%s.csv" % name), "w") as f:
        f.write("vid," + ",".join("action_pred_%d" % k for k in range(1, 6)) + "," +
                ",".join("body_pred_%d" % k for k in range(1, 6)) + "\n")
        for vid, _, actions, body in shuffled:
            f.write(vid + vid_suffix + "," + ",".join(map(str, actions)) + "," +
                    ",".join(map(str, body)) + "\n")

    truth = [label for _, label, _, _ in rows]
    coarse_truth = [FINE_TO_COARSE[t] for t in truth]
    actions = [a for _, _, a, _ in rows]
    bodies = [b for _, _, _, b in rows]
    f1_micro_fine, f1_macro_fine = f1_scores(truth, [a[0] for a in actions])
    f1_micro_coarse, f1_macro_coarse = f1_scores(coarse_truth, [b[0] for b in bodies])
    return [
        ("n_clips", n_clips),
        ("acc_top1_fine", accuracy(truth, actions, 1)),
        ("acc_top5_fine", accuracy(truth, actions, 5)),
        ("acc_top1_coarse", accuracy(coarse_truth, bodies, 1)),
        ("f1_micro_fine", f1_micro_fine),
        ("f1_macro_fine", f1_macro_fine),
        ("f1_micro_coarse", f1_micro_coarse),
        ("f1_macro_coarse", f1_macro_coarse),
        ("f1_mean", (f1_micro_fine + f1_macro_fine + f1_micro_coarse + f1_macro_coarse) / 4.0),
    ]


def main():
    os.makedirs(DATA, exist_ok=True)
    cases = [
        # A test split of MA-52's shape: all classes, skewed, a fair model.
        ("benchmark", 52, 600, list(range(N_FINE)), 0.55, 0.30, 0.75, ""),
        # Few classes in the truth, predictions scattered over many others: macro F1 averages
        # over classes that only the predictions name.
        ("sparse", 7, 40, [3, 9, 17, 30, 44], 0.35, 0.25, 0.5, ".mp4"),
        # Every top-1 right.
        ("perfect", 11, 30, list(range(0, N_FINE, 3)), 1.0, 0.0, 1.0, ""),
        # No top-1 right, some top-5 right.
        ("wrong", 13, 50, list(range(20, 40)), 0.0, 0.5, 0.0, ".mkv"),
    ]
    with open(os.path.join(DATA, "metrics-expected.tsv"), "w") as f:
        f.write("# case\tkey\tvalue (written by metrics-reference.py)\n")
        for case in cases:
            for key, value in make_case(*case):
                f.write("%s\t%s\t%r\n" % (case[0], key, value))


if __name__ == "__main__":
    main()
