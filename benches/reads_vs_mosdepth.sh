#!/usr/bin/env bash
# Side by side, in one run, on the simulated 30x BAM (benches/reads_sim30x.sh): wall time and
# peak memory of `genohub ingest` (depth + callable + QC + kept copy of the file), `mosdepth`
# (default mode, per-base output) with the same threads, and `samtools depth -a`; bytes of the
# stored depth vs mosdepth's per-base bed.gz; and a base-for-base comparison of the depth.
# Usage: benches/reads_vs_mosdepth.sh [ROUNDS=5] [THREADS=2]
# Needs: release genohub (cargo build --release -p genohub) and the reads pass on its own
# (cargo build --release -p genohub-reads --example scan), mosdepth, samtools, python3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
rounds="${1:-5}"; threads="${2:-2}"
out="${BENCH_OUT:-$root/benches/out}/reads"
G="$root/target/release/genohub"
SCAN="$root/target/release/examples/scan"
bash "$here/reads_sim30x.sh" "$out" >/dev/null
bam="$out/sim30x.bam"
cd "$out"

run() { # label command... -> appends "label wall maxrss_kb" to times.txt
    local label="$1"; shift
    /usr/bin/time -f "$label %e %M" -a -o times.txt "$@" >/dev/null 2>&1
}
# The hub's store exists before a sample arrives: each round makes a fresh one holding a tiny
# BAM (untimed), so the timing is of one ingest, not of creating a RocksDB database.
printf '@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:20\tLN:%s\n@RG\tID:t\tSM:TINY\nr\t0\t20\t5\t60\t10M\t*\t0\t0\t*\t*\n' \
    "$(cut -f2 ref.fa.fai)" | samtools view -b -o tiny.bam -
rm -f times.txt
for i in $(seq "$rounds"); do
    rm -rf store md && mkdir -p md
    "$G" --store store -q ingest --center bench tiny.bam
    run mosdepth mosdepth -t "$threads" md/sim "$bam"
    run genohub "$G" --store store --threads "$threads" -q ingest --center bench "$bam"
    run genohub_pass "$SCAN" "$bam" "$threads"
    run samtools_depth samtools depth -a -o sd.tsv "$bam"
done
median() { grep "^$1 " times.txt | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
maxrss() { grep "^$1 " times.txt | awk '{print $3}' | sort -n | tail -1; }

echo "machine: $(nproc) cores ($(lscpu | awk -F: '/Model name/{gsub(/^ +/,"",$2); print $2}')), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "versions: $($G --version), $(mosdepth --version 2>&1 | head -1), $(samtools --version | head -1)"
echo "input: $bam, $(stat -c %s "$bam") bytes, $(samtools idxstats "$bam" | awk '{m+=$3} END {print m}') mapped reads"
# genohub: the whole ingest (depth, callable, QC, durable copy of the file, store commit);
# genohub_pass: the same depth/QC pass without the store and without copying the file.
printf "%-16s %10s %12s\n" tool median_s max_rss_kb
for t in genohub genohub_pass mosdepth samtools_depth; do printf "%-16s %10s %12s\n" "$t" "$(median $t)" "$(maxrss $t)"; done

json=$("$G" --store store qc SIM30X --format json)
depth_bytes=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])[0]['depth_bytes'])" "$json")
callable_bytes=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])[0]['callable_bytes'])" "$json")
echo "stored depth: $depth_bytes bytes (+ $callable_bytes bytes of callable intervals); mosdepth per-base.bed.gz: $(stat -c %s md/sim.per-base.bed.gz) bytes"

# Depth, base for base: genohub vs mosdepth vs samtools depth -a.
"$G" --store store depth SIM30X 20 -o g.tsv
python3 - <<'PY'
import gzip
n = sum(1 for _ in open("g.tsv")) - 1
g = [0] * n
for line in open("g.tsv"):
    if line[0] == "#":
        continue
    _, p, d = line.split("\t")
    g[int(p) - 1] = int(d)
m = [0] * n
for line in gzip.open("md/sim.per-base.bed.gz", "rt"):
    _, s, e, d = line.split("\t")
    for i in range(int(s), min(int(e), n)):
        m[i] = int(d)
s = [0] * n
for line in open("sd.tsv"):
    _, p, d = line.split("\t")
    s[int(p) - 1] = int(d)
diff_m = sum(1 for a, b in zip(g, m) if a != b)
diff_s = [(a, b) for a, b in zip(g, s) if a != b]
higher = sum(1 for a, b in diff_s if b > a)
print(f"per-base depth over {n} bases: genohub vs mosdepth: {diff_m} differences; "
      f"samtools depth -a differs at {len(diff_s)} bases ({higher} higher: overlapping mates counted twice), "
      f"total depth genohub {sum(g)} vs samtools {sum(s)}")
PY
