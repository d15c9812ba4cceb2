#!/usr/bin/env bash
# Mean TTFT of multi-turn chats sharing a system prompt through `switchyard serve` to two real llama.cpp servers,
# per policy: the real-engine check of prefix-aware routing. llama.cpp keeps each slot's last prompt in its KV cache
# (`cache_prompt`), so a turn sent to the server that holds its conversation skips most of its prefill.
#
#   Scripts/llamacpp-servers.sh build                              # once
#   Scripts/prefix-ttft-llamacpp.sh [REPETITIONS] [POLICY ...]     # the conversation burst
#   Scripts/prefix-ttft-llamacpp.sh --chat [REPETITIONS] [POLICY ...]
#
# Per policy and repetition: fresh servers (empty caches, two 8,192-token slots each) and a fresh gateway, then
# - by default, one conversation burst (32 streaming chat completions over about 20 s, open loop: it overloads these
#   servers), and the gateway's own TTFT and E2E histograms (`switchyard_ttft_seconds`, `switchyard_e2e_seconds`)
#   read from its /metrics;
# - with --chat, closed-loop chats from the official OpenAI client (Scripts/prefix-chat.py: each turn sent after the
#   previous reply, with the model's real replies in the next prompt; by default 4 conversations x 6 turns, 48-token
#   replies; CHAT_ARGS passes it options, e.g. CHAT_ARGS="--conversations 6"), a load the servers can carry, and the
#   client's own figures. PYTHON: a python3 with `openai` installed.
# Prints one line per run.
set -euo pipefail
cd "$(dirname "$0")/.."
chat=0
if [ "${1:-}" = "--chat" ]; then
    chat=1
    shift
fi
reps=${1:-2}
shift || true
policies=("$@")
[ ${#policies[@]} -eq 0 ] && policies=(round-robin least-requests least-impact)
python=${PYTHON:-python3}
if [ $chat = 1 ] && ! "$python" -c "import openai" 2>/dev/null; then
    echo "$python has no openai module (pip install openai; or set PYTHON)" >&2
    exit 1
fi
bin=.build/release/switchyard
[ -x "$bin" ] || swift build -c release --product switchyard
port=18290
trap 'Scripts/llamacpp-servers.sh stop >/dev/null 2>&1 || true' EXIT
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v name="$1" '$1 ~ "^"name"(\\{|$)" {sum += $NF} END {print sum + 0}'; }

# One conversation burst through the gateway; its figures from the gateway's /metrics.
burst() {
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
    echo "completed $(metric switchyard_e2e_seconds_count)  failed $failed  mean TTFT $ttft s  mean E2E $e2e s"
}

for rep in $(seq 1 "$reps"); do
    for policy in "${policies[@]}"; do
        Scripts/llamacpp-servers.sh stop >/dev/null 2>&1 || true
        LLAMACPP_CTX=16384 Scripts/llamacpp-servers.sh start >/dev/null
        "$bin" serve --backend a=http://127.0.0.1:18181#llamacpp --backend b=http://127.0.0.1:18182#llamacpp \
            --listen 127.0.0.1:$port --policy "$policy" --burst-max-context 8192 \
            --first-byte-timeout 900 --idle-timeout 900 --request-timeout 1800 >/tmp/prefix-ttft-serve.log 2>&1 &
        serve=$!
        for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
        echo -n "rep $rep  $policy  "
        if [ $chat = 1 ]; then
            # shellcheck disable=SC2086 # CHAT_ARGS is a list of options
            "$python" Scripts/prefix-chat.py "http://127.0.0.1:$port" "/tmp/prefix-chat-$policy-$rep.jsonl" ${CHAT_ARGS:-}
        else
            burst
        fi
        kill "$serve" 2>/dev/null || true
        wait "$serve" 2>/dev/null || true
    done
done
