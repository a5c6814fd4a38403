#!/bin/bash
# Generates the comparison scenarios into $SCEN/<kind>/scenario_<N>.csv.
# Build first: cargo build --release -p cuenca-fusion --example gen_scenario
set -e
SCEN=${SCEN:-/tmp/scen}
GEN=${GEN:-/work/main/target/release/examples/gen_scenario}
gen() { mkdir -p "$SCEN/$1"; "$GEN" "$1" "$2" "$3" "$SCEN/$1/scenario_$2.csv"; }
gen manoeuvring   200 101
gen crossing      200 102
gen dense-clutter 100 103
gen low-pd        200 104
gen manoeuvring   100 201
gen crossing      100 202
gen dense-clutter  50 203
gen low-pd        100 204
