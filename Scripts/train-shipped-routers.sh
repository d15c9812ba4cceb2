#!/usr/bin/env bash
# Trains the DQN router weights that ship in Sources/Routing/Models (release build; about 10 minutes on 2 cores).
# Training uses only the first 25% of the full Azure conv trace, which `bench` never measures.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${SWITCHYARD_DATA:-../shared/data}"
swift build -c release --product switchyard
for n in 4 8; do
    for variant in rl rl-aware rl-baseline; do
        .build/release/switchyard train router --workload azure-conv --data-dir "$DATA" --instances "$n" \
            --load 0.9 --variant "$variant" --episodes 30 --seed 1 --completion-bonus 0 \
            --out "Sources/Routing/Models/$variant-$n.json"
    done
done
