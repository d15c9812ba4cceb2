#!/usr/bin/env bash
# Trains the DQN router weights that ship in Sources/Routing/Models (release build; about 30 minutes on 2 cores) and
# writes each variant's learning curve (the greedy policy's validation mean E2E after every episode) to
# Docs/learning-curves/VARIANT.txt. One network per variant serves any cluster size: the episodes alternate between
# 4 and 8 instances and loads 0.7 and 0.9. Training uses only the first 25% of the full Azure conv trace, which `bench` never measures.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${SWITCHYARD_DATA:-../shared/data}"
swift build -c release --product switchyard
mkdir -p Docs/learning-curves
for variant in rl rl-aware rl-baseline; do
    .build/release/switchyard train router --workload azure-conv --data-dir "$DATA" --train-instances 4,8 --train-loads 0.7,0.9 \
        --variant "$variant" --episodes 40 --seed 1 --completion-bonus 0 \
        --out "Sources/Routing/Models/$variant.json" | tee "Docs/learning-curves/$variant.txt"
done
