"""Makes fewshot.json: CPython `random` outputs and CoOp/Dassl few-shot samples for the Swift tests.

Run with any CPython 3.x: python3 make_fewshot_fixtures.py  (writes fewshot.json next to this file).
The few-shot flow below restates Dassl's generate_fewshot_dataset (group by label in order of first appearance,
random.sample when a class has at least K items, else the whole class unchanged: Dassl's default repeat=False) after
random.seed(seed),
train first, then val with min(K, 4), as CoOp's datasets do.
"""
import json
import os
import random
import sys
from collections import defaultdict

out = {"python": sys.version.split()[0]}

streams = []
for seed in [0, 1, 2, 3, 42, -7, 2**40 + 5, 2**62 + 12345]:
    r = random.Random(seed)
    streams.append({
        "seed": seed,
        "uint32": [r.getrandbits(32) for _ in range(5)],
        "bits45": r.getrandbits(45),
        "bits64": r.getrandbits(64),
        "bits7": [r.getrandbits(7) for _ in range(3)],
        "random": [r.random() for _ in range(3)],
        "randbelow": [r._randbelow(n) for n in [1, 2, 3, 10, 1000, 2**31 + 11]],
    })
out["streams"] = streams

samples = []
for seed, n, k in [(1, 10, 4), (2, 10, 10), (3, 500, 7), (4, 30, 16), (5, 50, 3), (6, 21, 5), (7, 22, 5),
                   (8, 84, 6), (9, 86, 6), (10, 5000, 16), (11, 1, 1), (12, 100, 0)]:
    r = random.Random(seed)
    first = r.sample(list(range(n)), k)
    second = r.sample(list(range(n)), k)
    samples.append({"seed": seed, "n": n, "k": k, "first": first, "second": second})
out["samples"] = samples

r = random.Random(5)
out["choices"] = {"seed": 5, "n": 7, "k": 12, "result": r.choices(list(range(7)), k=12)}
r = random.Random(6)
x = list(range(15))
r.shuffle(x)
out["shuffle"] = {"seed": 6, "n": 15, "result": x}


def fewshot(items, k):
    groups = defaultdict(list)
    for it in items:
        groups[it[1]].append(it)
    picked = []
    for _, members in groups.items():
        picked.extend(random.sample(members, k) if len(members) >= k else members)
    return picked


sizes = [7, 3, 40, 12, 9]
order = [2, 0, 4, 1, 3]
train, count = [], {l: 0 for l in order}
while any(count[l] < sizes[l] for l in order):
    for l in order:
        if count[l] < sizes[l]:
            train.append([f"c{l}/img{count[l]:02d}.png", l])
            count[l] += 1
val = [[f"c{l}/val{i}.png", l] for l in range(5) for i in range(5)]
cases = []
for seed in [1, 2, 3]:
    for shots in [1, 2, 4, 8, 16]:
        random.seed(seed)
        t = fewshot(train, shots)
        v = fewshot(val, min(shots, 4))
        cases.append({"seed": seed, "shots": shots, "train": [p for p, _ in t], "val": [p for p, _ in v]})
out["fewshot"] = {"train": train, "val": val, "cases": cases}

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "fewshot.json"), "w") as f:
    json.dump(out, f, indent=1)
