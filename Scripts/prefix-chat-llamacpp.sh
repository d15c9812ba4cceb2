#!/usr/bin/env bash
# Mean TTFT of closed-loop multi-turn chats (Scripts/prefix-chat.py: each turn sent after the previous reply, with
# the model's real replies in the next prompt, one shared system prompt) through `switchyard serve` to two real
# llama.cpp servers, per policy: the real-engine check of prefix-aware routing at a load the servers can carry.
# llama.cpp keeps each slot's last prompt in its KV cache (`cache_prompt`), so a turn sent to the server that holds
# its conversation prefills only the new messages.
#
#   Scripts/llamacpp-servers.sh build                                # once
#   Scripts/prefix-chat-llamacpp.sh [REPETITIONS] [POLICY ...]       # PYTHON: a python3 with `openai` installed
#
# CHAT_ARGS passes options to prefix-chat.py (for instance CHAT_ARGS="--conversations 6").
#
# Per policy and repetition: fresh servers (empty caches, two 8,192-token slots each), a fresh gateway, the same
# chats (by default 4 conversations x 6 turns, 48-token replies). Prints the client's figures, one line per run.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-2}
shift || true
policies=("$@")
[ ${#policies[@]} -eq 0 ] && policies=(round-robin least-requests least-impact)
python=${PYTHON:-python3}
"$python" -c "import openai" 2>/dev/null || { echo "$python has no openai module (pip install openai; or set PYTHON)" >&2; exit 1; }
bin=.build/release/switchyard
[ -x "$bin" ] || swift build -c release --product switchyard
port=18291
trap 'Scripts/llamacpp-servers.sh stop >/dev/null 2>&1 || true' EXIT
for rep in $(seq 1 "$reps"); do
    for policy in "${policies[@]}"; do
        Scripts/llamacpp-servers.sh stop >/dev/null 2>&1 || true
        LLAMACPP_CTX=16384 Scripts/llamacpp-servers.sh start >/dev/null
        "$bin" serve --backend a=http://127.0.0.1:18181#llamacpp --backend b=http://127.0.0.1:18182#llamacpp \
            --listen 127.0.0.1:$port --policy "$policy" \
            --first-byte-timeout 900 --idle-timeout 900 --request-timeout 1800 >/tmp/prefix-chat-serve.log 2>&1 &
        serve=$!
        for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
        echo -n "rep $rep  $policy  "
        # shellcheck disable=SC2086 # CHAT_ARGS is a list of options
        "$python" Scripts/prefix-chat.py "http://127.0.0.1:$port" "/tmp/prefix-chat-$policy-$rep.jsonl" ${CHAT_ARGS:-}
        kill "$serve" 2>/dev/null || true
        wait "$serve" 2>/dev/null || true
    done
done
