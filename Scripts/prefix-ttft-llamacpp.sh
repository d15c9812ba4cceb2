#!/usr/bin/env bash
# Mean TTFT of conversation bursts (multi-turn chats sharing a system prompt) through `switchyard serve` to two real
# llama.cpp servers, per policy: the real-engine check of prefix-aware routing. llama.cpp keeps each slot's last
# prompt in its KV cache (`cache_prompt`), so a turn sent to the server that holds its conversation skips most of
# its prefill.
#
#   Scripts/llamacpp-servers.sh build                  # once
#   Scripts/prefix-ttft-llamacpp.sh [REPETITIONS] [POLICY ...]
#
# Per policy and repetition: fresh servers (empty caches, with 8,192-token slots), a fresh gateway, one conversation
# burst (32 streaming chat completions over about 20 s), then the gateway's own TTFT and E2E histograms
# (`switchyard_ttft_seconds`, `switchyard_e2e_seconds`) read from its /metrics. Prints one line per run.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-2}
shift || true
policies=("$@")
[ ${#policies[@]} -eq 0 ] && policies=(round-robin least-requests least-impact)
bin=.build/release/switchyard
[ -x "$bin" ] || swift build -c release --product switchyard
port=18290
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v name="$1" '$1 ~ "^"name"(\\{|$)" {sum += $NF} END {print sum + 0}'; }
for rep in $(seq 1 "$reps"); do
    for policy in "${policies[@]}"; do
        Scripts/llamacpp-servers.sh stop >/dev/null 2>&1 || true
        LLAMACPP_CTX=16384 Scripts/llamacpp-servers.sh start >/dev/null
        "$bin" serve --backend a=http://127.0.0.1:18181#llamacpp --backend b=http://127.0.0.1:18182#llamacpp \
            --listen 127.0.0.1:$port --policy "$policy" --burst-max-context 8192 \
            --first-byte-timeout 900 --idle-timeout 900 --request-timeout 1800 >/tmp/prefix-ttft-serve.log 2>&1 &
        serve=$!
        for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
        curl -sf -X POST "http://127.0.0.1:$port/admin/burst" -H 'content-type: application/json' \
            -d '{"kind":"conversation"}' >/dev/null
        # Wait until all 32 have ended (completed or failed), at most 10 minutes.
        for _ in $(seq 1 600); do
            done=$(metric switchyard_e2e_seconds_count)
            failed=$(curl -s "http://127.0.0.1:$port/metrics" | awk '$1 ~ /^switchyard_requests_total\{/ && $1 !~ /outcome="ok"/ {s += $NF} END {print s + 0}')
            [ "$(python3 -c "print(int($done + $failed >= 32))")" = 1 ] && break
            sleep 1
        done
        ttft=$(python3 -c "print(f'{$(metric switchyard_ttft_seconds_sum) / max(1, $(metric switchyard_ttft_seconds_count)):.3f}')")
        e2e=$(python3 -c "print(f'{$(metric switchyard_e2e_seconds_sum) / max(1, $(metric switchyard_e2e_seconds_count)):.3f}')")
        echo "rep $rep  $policy  completed $(metric switchyard_e2e_seconds_count)  failed $failed  mean TTFT $ttft s  mean E2E $e2e s"
        kill "$serve" 2>/dev/null || true
        wait "$serve" 2>/dev/null || true
    done
done
Scripts/llamacpp-servers.sh stop >/dev/null 2>&1 || true
