#!/bin/sh
# Pre-merge check of the resources: the schema and CEL rules, secret
# references, conflicts (commands, platform names, links), exactly as the
# operator compiles them. Exits 2 when any resource would not be Ready.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp resources/*.yaml ci/placeholder-secrets.yaml "$dir"/
chatops-operator render --manifests "$dir" --namespace chatops > /dev/null
