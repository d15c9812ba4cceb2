#!/usr/bin/env python3
"""Runs the README's results grid with `switchyard bench --format json` and prints Markdown tables.

Usage: SWITCHYARD_DATA=../shared/data Scripts/results.py [--requests N] [--instances 4,8] [--loads 0.7,0.9] > results.md
Each scenario pools seeds 1,2,3. Every policy is measured on the last 75% of the first N/0.75 requests of each
workload; the length predictor is trained on the first 25%. The DQN routers use the shipped weights (README, "What
the routers were trained on").

Besides the tables against round-robin it prints each policy against the best load-balancing baseline of each
scenario (the tail-latency issue's targets: mean E2E, p99 not worse than that baseline's, long-prompt mean not worse
than round-robin's), and the mean of the best policy of each scenario picked in hindsight.
"""
import json, subprocess, sys, statistics

BIN = ".build/release/switchyard"
POLICIES = ["round-robin", "least-tokens", "least-requests", "power-of-two", "llm-d", "min-min", "workload-aware", "least-impact",
            "workload-aware-oracle", "rl-baseline", "rl-aware", "rl", "rl-guarded", "oracle"]
WORKLOADS = ["azure-conv", "azure-code", "sharegpt", "vidur", "mix:azure-conv+azure-code"]
requests = sys.argv[sys.argv.index("--requests") + 1] if "--requests" in sys.argv else "4000"

def listed(flag, default, kind):
    return [kind(v) for v in sys.argv[sys.argv.index(flag) + 1].split(",")] if flag in sys.argv else default

SIZES = listed("--instances", [4, 8], int)
LOADS = listed("--loads", [0.7, 0.9], float)
rows = []
for workload in WORKLOADS:
    for instances in SIZES:
        for load in LOADS:
            cmd = [BIN, "bench", "--workload", workload, "--instances", str(instances), "--load", str(load),
                   "--requests", requests, "--seeds", "1,2,3", "--policies", ",".join(POLICIES), "--format", "json"]
            out = subprocess.run(cmd, capture_output=True, text=True)
            if out.returncode != 0:
                print(f"failed: {' '.join(cmd)}\n{out.stderr}", file=sys.stderr)
                continue
            report = json.loads(out.stdout)
            rows.append((workload, instances, load, report))
            print(f"done {workload} {instances} {load}", file=sys.stderr)

print(f"Command per scenario: `switchyard bench --workload W --instances N --load L --requests {requests} "
      f"--seeds 1,2,3 --policies {','.join(POLICIES)}` with SWITCHYARD_DATA pointing at the full data.\n")
print("Mean E2E change against round-robin, per scenario (negative is better):\n")
print("| workload | N | load | " + " | ".join(POLICIES[1:]) + " |")
print("|---|---|---|" + "---|" * (len(POLICIES) - 1))
changes = {p: [] for p in POLICIES}
p99 = {p: [] for p in POLICIES}
# Share of round-robin's excess over the isolated floor (every request alone on an idle instance) that a policy
# removes: 100% would be no queueing or interference at all.
removed = {p: [] for p in POLICIES}
excess_rr = []
for workload, instances, load, report in rows:
    by = {p["name"]: p for p in report["policies"]}
    rr = by["round-robin"]
    floor = report["isolated_e2e_mean"]
    excess_rr.append((rr["e2e"]["mean"] - floor) / floor)
    cells = []
    for name in POLICIES[1:]:
        c = by[name]["vs_first_mean_e2e"]
        changes[name].append(c)
        p99[name].append(by[name]["e2e"]["p99"] / rr["e2e"]["p99"] - 1)
        removed[name].append((rr["e2e"]["mean"] - by[name]["e2e"]["mean"]) / (rr["e2e"]["mean"] - floor))
        cells.append(f"{c*100:+.1f}%")
    print(f"| {workload} | {instances} | {load} | " + " | ".join(cells) + " |")
print("\nAverage over the scenarios:\n")
print("| policy | mean E2E vs round-robin | p99 E2E vs round-robin | share of round-robin's excess over the floor removed |")
print("|---|---|---|---|")
for name in POLICIES[1:]:
    print(f"| {name} | {statistics.mean(changes[name])*100:+.1f}% | {statistics.mean(p99[name])*100:+.1f}% "
          f"| {statistics.mean(removed[name])*100:+.1f}% |")
print(f"\nRound-robin's mean E2E is on average {statistics.mean(excess_rr)*100:.0f}% above the isolated floor "
      f"(each request alone on an idle instance; `isolated_e2e_mean` in the JSON).")

print("\np99 E2E change against round-robin, per scenario (negative is better):\n")
print("| workload | N | load | " + " | ".join(POLICIES[1:]) + " |")
print("|---|---|---|" + "---|" * (len(POLICIES) - 1))
for workload, instances, load, report in rows:
    by = {p["name"]: p for p in report["policies"]}
    rr = by["round-robin"]["e2e"]["p99"]
    cells = [f"{(by[name]['e2e']['p99'] / rr - 1) * 100:+.1f}%" for name in POLICIES[1:]]
    print(f"| {workload} | {instances} | {load} | " + " | ".join(cells) + " |")

print("\nMean E2E of the long prompts (top decile by prompt tokens), seconds, per scenario:\n")
print("| workload | N | load | " + " | ".join(POLICIES) + " |")
print("|---|---|---|" + "---|" * len(POLICIES))
for workload, instances, load, report in rows:
    by = {p["name"]: p for p in report["policies"]}
    cells = [f"{by[name]['long_prompts']['e2e_mean']:.1f}" for name in POLICIES]
    print(f"| {workload} | {instances} | {load} | " + " | ".join(cells) + " |")

BASELINES = ["least-tokens", "least-requests", "power-of-two", "llm-d", "min-min"]
print("\nAgainst the best of " + ", ".join(f"`{b}`" for b in BASELINES) + " on each scenario (by mean E2E):\n")
print("| policy | mean E2E vs best baseline | p99 not worse than its | long-prompt mean not worse than round-robin's |")
print("|---|---|---|---|")
versus = {p: [] for p in POLICIES}
p99_ok = {p: 0 for p in POLICIES}
long_ok = {p: 0 for p in POLICIES}
hindsight = []
for workload, instances, load, report in rows:
    by = {p["name"]: p for p in report["policies"]}
    best = min((by[b] for b in BASELINES), key=lambda p: p["e2e"]["mean"])
    rr_long = by["round-robin"]["long_prompts"]["e2e_mean"]
    for name in POLICIES:
        versus[name].append(by[name]["e2e"]["mean"] / best["e2e"]["mean"] - 1)
        p99_ok[name] += by[name]["e2e"]["p99"] <= best["e2e"]["p99"]
        long_ok[name] += by[name]["long_prompts"]["e2e_mean"] <= rr_long
    hindsight.append(min(by[n]["e2e"]["mean"] for n in POLICIES) / best["e2e"]["mean"] - 1)
for name in POLICIES[1:]:
    if name in BASELINES:
        continue
    print(f"| {name} | {statistics.mean(versus[name])*100:+.1f}% | {p99_ok[name]}/{len(rows)} "
          f"| {long_ok[name]}/{len(rows)} |")
print(f"\nThe best of all {len(POLICIES)} policies on each scenario (the two oracle references included), picked in "
      f"hindsight by mean E2E: {statistics.mean(hindsight)*100:+.1f}% against the best baseline on average.")
