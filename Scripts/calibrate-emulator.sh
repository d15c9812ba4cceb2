#!/usr/bin/env bash
# The GPU-free check of `switchyard calibrate`: calibrate an emulated vLLM whose profile is known (speed 1, so its
# wall-clock iterations are the profile's) and print each fitted coefficient beside the true one. Run it on an idle
# machine: the fit is of wall-clock timings.
#
#   Scripts/calibrate-emulator.sh [PROFILE] [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-llama2-7b-v100}
shift || true
# SWITCHYARD_BIN picks the binary (e.g. .build/release/switchyard); by default the debug build, built if missing.
bin=${SWITCHYARD_BIN:-.build/debug/switchyard}
[ -x "$bin" ] || { swift build --product switchyard; bin=.build/debug/switchyard; }
port=18391
"$bin" emulate --instances 1 --base-port $port --profile "$profile" --speed 1 >/tmp/calibrate-emulator.log 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
out=$(mktemp)
"$bin" calibrate --backend "http://127.0.0.1:$port" --out "$out" "$@"
python3 - "$out" "$profile" <<'PY'
import json, sys, subprocess
fitted = json.load(open(sys.argv[1]))["cost"]
name = sys.argv[2]
path = f"Sources/Engine/Profiles/{name}.json"
truth = json.load(open(path))["cost"]
print(f"{'coefficient':26} {'true':>12} {'fitted':>12} {'error':>8}")
for key in ["fixed_s", "per_prefill_token_s", "per_decode_sequence_s", "per_context_token_s"]:
    t, f = truth[key], fitted[key]
    print(f"{key:26} {t:12.4g} {f:12.4g} {100 * (f - t) / t:+7.1f}%")
PY
