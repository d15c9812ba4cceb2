#!/usr/bin/env bash
# Fuzzes what the outside world feeds in, with libFuzzer (swiftc -sanitize=fuzzer,address): SSE streams, Prometheus
# text, OpenAI request bodies and Azure trace lines. Not part of the test run.
#
#   Scripts/fuzz.sh [SECONDS per target, default 600] [target ...]
#
# Each target is built from its parser's own sources plus Fuzz/<Target>Fuzz.swift into .build-fuzz/ (ignored by
# git), run for SECONDS with its corpus in .build-fuzz/corpus/<target>, and its last lines printed (executions,
# coverage). A crash leaves crash-* in .build-fuzz/<target>/; turn each into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(sse prometheus completion-body azure-trace)

sources_for() {
    case "$1" in
    sse) echo Sources/Gateway/Proxy/SSEScanner.swift Fuzz/SSEScannerFuzz.swift ;;
    prometheus) echo Sources/Gateway/Metrics/Prometheus*.swift Fuzz/PrometheusFuzz.swift ;;
    completion-body) echo Sources/OpenAIWire/*.swift Fuzz/CompletionBodyFuzz.swift ;;
    azure-trace)
        echo Sources/SwitchyardCore/*.swift Sources/Workload/{AzureTraceReader,CSVScanner,CSVRow,LineScanner,TraceFile,TraceTimestamp,WorkloadError}.swift \
            Fuzz/AzureTraceFuzz.swift
        ;;
    *) echo "unknown target $1" >&2; exit 2 ;;
    esac
}

for target in "${targets[@]}"; do
    out=.build-fuzz/$target
    mkdir -p "$out" ".build-fuzz/corpus/$target"
    # The target's sources compiled as one module: copies without their imports of the project's own modules.
    rm -rf "$out/src" && mkdir -p "$out/src"
    for file in $(sources_for "$target"); do
        sed -E '/^import (SwitchyardCore|Gateway|Workload|OpenAIWire)$/d' "$file" > "$out/src/$(basename "$(dirname "$file")")-$(basename "$file")"
    done
    [ -d "Fuzz/seeds/$target" ] && cp Fuzz/seeds/"$target"/* ".build-fuzz/corpus/$target/"
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name Fuzz "$out"/src/*.swift \
        -o "$out/fuzz" 2> "$out/build.log" || { cat "$out/build.log"; exit 1; }
    echo "== $target: $seconds s"
    (cd "$out" && ./fuzz -max_total_time="$seconds" -print_final_stats=1 "../corpus/$target" 2>&1 | tail -12)
done
