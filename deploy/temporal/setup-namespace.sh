#!/bin/sh
# One-shot (temporalio/admin-tools): the namespace and Huiyin's custom search attributes
# (HUIYIN_SEARCH_ATTRIBUTES="Name=Type ...", kept equal to workflows/search_attributes.ALL
# by tests/ops/test_compose.py). Safe to run again: existing ones are left as they are.
set -eu

: "${TEMPORAL_ADDRESS:?}" "${HUIYIN_NAMESPACE:?}" "${HUIYIN_NAMESPACE_RETENTION:?}" "${HUIYIN_SEARCH_ATTRIBUTES:?}"

tries=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -lt 60 ] || { echo "Temporal at $TEMPORAL_ADDRESS is not healthy" >&2; exit 1; }
    sleep 2
done

if ! temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$HUIYIN_NAMESPACE" >/dev/null 2>&1; then
    temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n "$HUIYIN_NAMESPACE" \
        --retention "$HUIYIN_NAMESPACE_RETENTION"
    echo "namespace $HUIYIN_NAMESPACE created"
fi

for pair in $HUIYIN_SEARCH_ATTRIBUTES; do
    name=${pair%%=*}
    type=${pair#*=}
    temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" -n "$HUIYIN_NAMESPACE" \
        --name "$name" --type "$type" >/dev/null 2>&1 || true
done

# Check, rather than trust the creates above: every attribute must be there now.
listed=$(temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" -n "$HUIYIN_NAMESPACE")
missing=""
for pair in $HUIYIN_SEARCH_ATTRIBUTES; do
    name=${pair%%=*}
    echo "$listed" | grep -qw "$name" || missing="$missing $name"
done
if [ -n "$missing" ]; then
    echo "search attributes missing in $HUIYIN_NAMESPACE:$missing" >&2
    exit 1
fi
echo "namespace $HUIYIN_NAMESPACE ready with search attributes: $HUIYIN_SEARCH_ATTRIBUTES"
