#!/usr/bin/env python3
"""Chooses least-impact's tail guard by measurement: the README's results grid (5 workloads x 4/8 instances x load
0.7/0.9, seeds 1,2,3 pooled, 4,000 requests) with least-impact at each `--tail-slack`, against the best of the
load-balancing baselines on each scenario and against round-robin's long prompts; then the same summary for
rl-guarded (the rl network within the same guard) at each slack.

Usage: SWITCHYARD_DATA=../shared/data Scripts/tail-guard.py [--requests N]   (release build; about two minutes)
Per scenario: least-impact's mean E2E against the best baseline's, with P where its p99 E2E is worse than that
baseline's and L where its long-prompt mean E2E (top decile of prompts) is worse than round-robin's.
"""
import json, subprocess, sys, statistics

BIN = ".build/release/switchyard"
BASELINES = ["round-robin", "least-tokens", "least-requests", "power-of-two", "llm-d", "min-min"]
WORKLOADS = ["azure-conv", "azure-code", "sharegpt", "vidur", "mix:azure-conv+azure-code"]
SLACKS = ["off", "0", "0.25", "0.5", "1", "2"]
requests = sys.argv[sys.argv.index("--requests") + 1] if "--requests" in sys.argv else "4000"


def bench(workload, instances, load, policies, slack="0.25"):
    cmd = [BIN, "bench", "--workload", workload, "--instances", str(instances), "--load", str(load),
           "--requests", requests, "--seeds", "1,2,3", "--policies", ",".join(policies), "--tail-slack", slack,
           "--format", "json"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return {p["name"]: p for p in json.loads(out.stdout)["policies"]}


GUARDED = ["least-impact", "rl-guarded"]
totals = {(p, s): {"vs_best": [], "vs_rr": [], "p99": 0, "long": 0} for p in GUARDED for s in SLACKS}
print("| workload | N | load | best baseline | " + " | ".join(f"slack {s}" for s in SLACKS) + " |")
print("|---|---|---|---|" + "---|" * len(SLACKS))
for workload in WORKLOADS:
    for instances in (4, 8):
        for load in (0.7, 0.9):
            base = bench(workload, instances, load, BASELINES)
            rr = base["round-robin"]
            name = min(BASELINES[1:], key=lambda k: base[k]["e2e"]["mean"])
            best = base[name]
            cells = []
            for slack in SLACKS:
                guarded = bench(workload, instances, load, GUARDED, slack)
                for policy in GUARDED:
                    measured = guarded[policy]
                    change = measured["e2e"]["mean"] / best["e2e"]["mean"] - 1
                    p99_ok = measured["e2e"]["p99"] <= best["e2e"]["p99"]
                    long_ok = measured["long_prompts"]["e2e_mean"] <= rr["long_prompts"]["e2e_mean"]
                    t = totals[(policy, slack)]
                    t["vs_best"].append(change)
                    t["vs_rr"].append(measured["e2e"]["mean"] / rr["e2e"]["mean"] - 1)
                    t["p99"] += p99_ok
                    t["long"] += long_ok
                    if policy == "least-impact":
                        cells.append(f"{change * 100:+.1f}%" + ("" if p99_ok else " P") + ("" if long_ok else " L"))
            print(f"| {workload} | {instances} | {load} | {name} | " + " | ".join(cells) + " |", flush=True)
count = len(WORKLOADS) * 4
for policy in GUARDED:
    print(f"\n`{policy}`:\n")
    print("| tail slack | mean E2E vs best baseline | vs round-robin | p99 not worse than best baseline's "
          "| long-prompt mean not worse than round-robin's |")
    print("|---|---|---|---|---|")
    for slack in SLACKS:
        t = totals[(policy, slack)]
        print(f"| {slack} | {statistics.mean(t['vs_best']) * 100:+.1f}% | {statistics.mean(t['vs_rr']) * 100:+.1f}% "
              f"| {t['p99']}/{count} | {t['long']}/{count} |")
