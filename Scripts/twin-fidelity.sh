#!/usr/bin/env bash
# Real-engine fidelity of the simulator, and the real A/B: the same requests through `switchyard serve` to the two
# real llama.cpp servers (Scripts/llamacpp-servers.sh) and through the simulator with a profile calibrated on them.
#
#   Scripts/twin-fidelity.sh PROFILE.json WORKLOAD REPS POLICY...
#
# WORKLOAD: `azure` (a slice of the bundled Azure conv sample, prompts capped at $CAP_PROMPT tokens and outputs at
# $CAP_OUTPUT, its timeline rescaled to $RATE requests/s, $N requests) or `bimodal` (half 500-word prompts with 8
# output tokens, half 30-word prompts with 150, Poisson $RATE/s, $N requests; the setup of the calibration issue).
# Per policy and repetition: fresh llama.cpp servers (empty prompt caches), a fresh gateway with --profile, the requests replayed by the OpenAI Python client
# (Scripts/replay-live.py), then the simulator (`bench`, 2 instances, the same profile) on the same requests with
# the prompt and output tokens the servers reported. Prints one line per run; results in $OUT (default /tmp/twin).
set -euo pipefail
cd "$(dirname "$0")/.."
profile=$1; workload=$2; reps=$3; shift 3
policies=("$@")
bin=${SWITCHYARD_BIN:-.build/debug/switchyard}
python=${PYTHON:-python3}
out=${OUT:-/tmp/twin}
N=${N:-80}; RATE=${RATE:-0.3}; CAP_PROMPT=${CAP_PROMPT:-700}; CAP_OUTPUT=${CAP_OUTPUT:-64}; SEED=${SEED:-1}
port=18290
mkdir -p "$out"
requests="$out/requests-$workload.jsonl"
python3 - "$workload" "$requests" "$N" "$RATE" "$CAP_PROMPT" "$CAP_OUTPUT" "$SEED" <<'PY'
import csv, json, random, sys, datetime
workload, path, n, rate, cap_p, cap_o, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
rows = []
if workload == "azure":
    with open("Sources/Workload/Samples/azure_conv_sample.csv") as f:
        for r in csv.DictReader(f):
            t = datetime.datetime.strptime(r["TIMESTAMP"][:26], "%Y-%m-%d %H:%M:%S.%f").timestamp()
            rows.append((t, min(cap_p, int(r["ContextTokens"])), max(1, min(cap_o, int(r["GeneratedTokens"])))))
    rows = rows[:n]
    span = rows[-1][0] - rows[0][0]
    scale = (len(rows) - 1) / rate / span
    reqs = [dict(arrival=(t - rows[0][0]) * scale, prompt_words=p, max_tokens=o) for t, p, o in rows]
else:
    rng = random.Random(seed)
    t = 0.0
    reqs = []
    for i in range(n):
        words, out = (500, 8) if rng.random() < 0.5 else (30, 150)
        reqs.append(dict(arrival=t, prompt_words=words, max_tokens=out))
        t += rng.expovariate(rate)
with open(path, "w") as f:
    for i, r in enumerate(reqs):
        r["nonce"] = 1000 + i
        f.write(json.dumps(r) + "\n")
PY
for rep in $(seq 1 "$reps"); do
    for policy in "${policies[@]}"; do
        # Fresh servers: llama.cpp keeps prompts in its cache (slots, and RAM), so a request replayed from an earlier
        # run would skip its prefill.
        Scripts/llamacpp-servers.sh stop >/dev/null 2>&1 || true
        Scripts/llamacpp-servers.sh start >/dev/null
        "$bin" serve --backend a=http://127.0.0.1:18181#llamacpp --backend b=http://127.0.0.1:18182#llamacpp \
            --listen 127.0.0.1:$port --policy "$policy" --profile "$profile" \
            --first-byte-timeout 900 --idle-timeout 900 --request-timeout 1800 >"$out/serve.log" 2>&1 &
        serve=$!
        for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
        live="$out/live-$workload-$policy-$rep.jsonl"
        "$python" Scripts/replay-live.py "http://127.0.0.1:$port" "$requests" "$live" >/dev/null
        kill "$serve" 2>/dev/null || true
        wait "$serve" 2>/dev/null || true
        # The simulator on the same requests: a training prefix of a third as many (bench never measures the first
        # quarter of a trace), then these, with the servers' own token counts and the replay's arrivals.
        csvfile="$out/sim-$workload-$policy-$rep.csv"
        rate=$(python3 - "$live" "$csvfile" <<'PY'
import json, sys, datetime
rows = [json.loads(l) for l in open(sys.argv[1])]
ok = [r for r in rows if "prompt_tokens" in r]
base = datetime.datetime(2026, 1, 1)
t = len(ok) // 3
with open(sys.argv[2], "w") as f:
    f.write("TIMESTAMP,ContextTokens,GeneratedTokens\n")
    for i, r in enumerate(ok[:t]):
        f.write(f"{(base + datetime.timedelta(seconds=i)).strftime('%Y-%m-%d %H:%M:%S.%f')}0,{r['prompt_tokens']},{r['completion_tokens']}\n")
    start = base + datetime.timedelta(seconds=t + 100)
    for r in ok:
        f.write(f"{(start + datetime.timedelta(seconds=r['arrival'])).strftime('%Y-%m-%d %H:%M:%S.%f')}0,{r['prompt_tokens']},{r['completion_tokens']}\n")
span = ok[-1]["arrival"] - ok[0]["arrival"]
print(repr((len(ok) - 1) / span))
PY
)
        count=$(grep -c prompt_tokens "$live" || true)
        sim=$("$bin" bench --workload "azure:$csvfile" --instances 2 --profile "$profile" --policies "$policy" \
            --rate "$rate" --requests "$count" --predictor band-mean --format json 2>/dev/null)
        python3 - "$live" "$policy" "$rep" "$sim" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ok = [r for r in rows if r.get("ttft") is not None]
e2e = sorted(r["e2e"] for r in ok); ttft = sorted(r["ttft"] for r in ok)
p99 = lambda v: v[min(len(v) - 1, int(0.99 * (len(v) - 1) + 0.5))]
sim = json.loads(sys.argv[4])["policies"][0]
print(f"{sys.argv[2]:15} rep {sys.argv[3]}  live: n={len(ok)}/{len(rows)} E2E mean {sum(e2e)/len(e2e):6.2f} p99 {p99(e2e):6.2f}"
      f"  TTFT mean {sum(ttft)/len(ttft):6.2f} p99 {p99(ttft):6.2f}  |  sim: n={sim['completed']} E2E mean {sim['e2e']['mean']:6.2f}"
      f" p99 {sim['e2e']['p99']:6.2f}  TTFT mean {sim['ttft']['mean']:6.2f} p99 {sim['ttft']['p99']:6.2f}"
      f"  |  sim/live E2E {sim['e2e']['mean'] / (sum(e2e)/len(e2e)) - 1:+.1%}")
PY
    done
done
