#!/usr/bin/env bash
# Load on `genohub serve` (release build) over the 10,000-sample msprime cohort, with Debian's
# wrk at 64 connections for 30 s each:
#   (a) Beacon g_variants sequence queries, count granularity, with a clinician's token
#       (governed `variant.lookup` over the patients with clinical-care consent: 10,000);
#   (b) region queries, GET /api/v1/variants?region= (1 kb windows, same token);
#   (c) anonymous Beacon g_variants (the governed `exists` call, audited);
#   (d) (a) again with the hub's lookup cache off (GENOHUB_LOOKUP_CACHE=0): the 2,000 query
#       sites repeat within a run, so (a) and (c) measure kept counts; (d) counts every answer.
# Every request is authenticated, authorised and audited (one signed, hash-chained entry,
# synchronously written) as in production. Prints p50/p99 latency, requests/s and errors.
# Usage: benches/server_load.sh [DIR=benches/out/n10000]   (DIR holds cohort.bcf)
#   GENOHUB_GOVERNED_CONCURRENCY=N (passed to the server) sets how many governed calls run at once.
# Needs: release genohub (cargo build --release -p genohub), bcftools, wrk (apt-get install wrk).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
dir="${1:-$root/benches/out/n10000}"
G="${GENOHUB:-$root/target/release/genohub}"
work="$dir/server"
store="$work/store"
duration="${DURATION:-30s}"
conns="${CONNECTIONS:-64}"
threads=$(( conns < 2 ? 1 : 2 ))
tmp="$(mktemp -d)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2> /dev/null && wait "$server_pid" 2> /dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$work"

if [ ! -d "$store" ]; then
    "$G" --store "$store" -q ingest --center bench "$dir/cohort.bcf"
    # One patient per sample at hospital bench-hosp, consenting to clinical care (GRU+CC).
    {
        echo "record,patient_id,sex,sample_id,sample_type,center,genomic_sample,consent_date,form_version,data_use,secondary_use,recontact"
        bcftools query -l "$dir/cohort.bcf" | awk -F, '{
            printf "patient,%s,%s,,,,,,,,,\n", $1, (NR % 2 ? "female" : "male");
            printf "sample,%s,,%s-N,germline,bench,%s,,,,,\n", $1, $1, $1;
            printf "consent,%s,,,,,,2025-01-10,v1,GRU+CC,yes,yes\n", $1 }'
    } > "$work/patients.csv"
    "$G" --store "$store" -q patient import "$work/patients.csv" --hospital bench-hosp
    "$G" --store "$store" -q org create bench-hosp --name "Bench hospital" --kind hospital
    "$G" --store "$store" -q user create bench-doc --org bench-hosp --role clinician
fi
token=$("$G" --store "$store" -q token create bench-doc --days 1 --label server-load | grep -o 'genohub_[0-9a-f]*' | head -1)

# Queries: carried biallelic SNVs spread over the cohort (every 50th), and 1 kb windows.
bcftools view -H -G -m2 -M2 -v snps "$dir/cohort.bcf" | awk 'NR % 50 == 1 {print $1, $2, $4, $5}' | head -2000 > "$tmp/sites"
n_sites=$(wc -l < "$tmp/sites")
lua_list() { awk -v q="$1" 'BEGIN{printf "paths = {"} {printf "%s", (NR > 1 ? "," : ""); printf q, $1, $2 - 1, $3, $4, $1, $2, $2 + 999} END{print "}"}' "$tmp/sites"; }
{
    lua_list '"/beacon/v2/g_variants?referenceName=%s&start=%d&referenceBases=%s&alternateBases=%s&requestedGranularity=count"'
} > "$tmp/beacon_paths.lua"
awk 'BEGIN{printf "paths = {"} {printf "%s\"/api/v1/variants?region=%s:%d-%d\"", (NR > 1 ? "," : ""), $1, $2, $2 + 999} END{print "}"}' "$tmp/sites" > "$tmp/region_paths.lua"
sed 's/&requestedGranularity=count//' "$tmp/beacon_paths.lua" > "$tmp/anon_paths.lua"
cat > "$tmp/report.lua" <<'LUA'
local i = 0
request = function()
    i = i % #paths + 1
    if token ~= "" then
        return wrk.format("GET", paths[i], {["Authorization"] = "Bearer " .. token})
    end
    return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT p50_ms=%.2f p99_ms=%.2f max_ms=%.2f requests=%d rps=%.0f socket_errors=%d non_2xx=%d\n",
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, summary.requests,
        summary.requests / (summary.duration / 1e6), e.connect + e.read + e.write + e.timeout, e.status))
end
LUA

store_line="$("$G" --store "$store" stats 2> /dev/null | awk '$1=="samples"||$1=="sites"{printf "%s %s, ", $1, $2}')"
version="$("$G" --version 2> /dev/null || echo genohub)"
url=""
start_server() { # [VAR=VALUE...]: environment for the server
    if [ -n "$server_pid" ]; then kill "$server_pid" 2> /dev/null; wait "$server_pid" 2> /dev/null || true; fi
    local port=$((20000 + RANDOM % 20000))
    : > "$work/serve.log"
    env "$@" "$G" --store "$store" serve --listen "127.0.0.1:$port" 2> "$work/serve.log" &
    server_pid=$!
    for _ in $(seq 100); do grep -q "listening on" "$work/serve.log" && break; sleep 0.1; done
    url="http://127.0.0.1:$port"
    curl -sf "$url/api/v1/health" > /dev/null
}

run() { # NAME PATHS TOKEN
    { cat "$2"; echo "token = \"$3\""; cat "$tmp/report.lua"; } > "$tmp/$1.lua"
    # Warm-up (caches, connections), then the measured run.
    wrk -t"$threads" -c"$conns" -d5s -s "$tmp/$1.lua" "$url" > /dev/null
    local line
    line=$(wrk -t"$threads" -c"$conns" -d"$duration" --timeout 10s -s "$tmp/$1.lua" "$url" | grep '^RESULT')
    echo "$1 ${line#RESULT }"
}

echo "# genohub server load: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $version, $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "# store: ${store_line}$n_sites query sites, $conns connections, $duration each"
start_server
run beacon_count "$tmp/beacon_paths.lua" "$token"
run region_variants "$tmp/region_paths.lua" "$token"
run beacon_anonymous "$tmp/anon_paths.lua" ""
# The same Beacon counts with the hub's lookup cache off: every answer decodes its block.
start_server GENOHUB_LOOKUP_CACHE=0
run beacon_count_uncached "$tmp/beacon_paths.lua" "$token"
