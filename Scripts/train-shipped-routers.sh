#!/usr/bin/env bash
# Trains the DQN router weights that ship in Sources/Routing/Models (release build; about 15 minutes on 2 cores) and
# writes each variant's learning curve (the greedy policy's validation mean E2E after every episode) to
# Docs/learning-curves/VARIANT.txt. One network per variant serves any cluster size: the episodes alternate between
# 4 and 8 instances and loads 0.7 and 0.9.
#
# What each is trained on (README, "The DQN router"):
# - rl: the Azure conv + code mix, only the requests `bench --requests 3000` (or more) keeps for its own training
#   split and never measures (--bench-requests 3000): the mix's first 1,000, about the first 500 of each trace.
# - rl-aware, rl-baseline: Azure conv rows 5,335-10,175 (--train-rows 5335-10176), past the 5,335 rows that
#   `bench --requests 4000` loads, so no scenario of the results grid measures them (a bench of the whole trace
#   does); their length predictor is bench's own, trained on rows 0-1,332.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${SWITCHYARD_DATA:-../shared/data}"
swift build -c release --product switchyard
mkdir -p Docs/learning-curves
.build/release/switchyard train router --workload mix:azure-conv+azure-code --data-dir "$DATA" \
    --train-instances 4,8 --train-loads 0.7,0.9 --bench-requests 3000 \
    --variant rl --episodes 40 --seed 1 --completion-bonus 0 \
    --out Sources/Routing/Models/rl.json | tee Docs/learning-curves/rl.txt
for variant in rl-aware rl-baseline; do
    .build/release/switchyard train router --workload azure-conv --data-dir "$DATA" \
        --train-instances 4,8 --train-loads 0.7,0.9 --train-rows 5335-10176 \
        --variant "$variant" --episodes 40 --seed 1 --completion-bonus 0 \
        --out "Sources/Routing/Models/$variant.json" | tee "Docs/learning-curves/$variant.txt"
done
