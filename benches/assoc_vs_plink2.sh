#!/usr/bin/env bash
# Per-variant logistic association side by side: `genohub assoc --test logistic` (double
# precision, Firth fallback) vs `plink2 --glm firth-fallback` (pgen) on the same samples,
# phenotype and covariates. Cases = every 2nd sample, controls = the others (a null phenotype:
# the fits, not the signal, are timed); covariates: an age-like and a sex-like column from a
# fixed LCG. Reports wall and CPU seconds (user+sys, children included; median of 3) and
# genotype calls per CPU-second (variants x samples / CPU s), and how the two outputs agree.
# Usage: [STORE=DIR/store] [REGION=20:1-1000000] benches/assoc_vs_plink2.sh [DIR=benches/out/n10000]
# DIR must hold cohort.pgen/pvar/psam (benches/analysis_vs_peers.sh makes them) and the store
# (STORE, default DIR/store) ingested from the same cohort.vcf.gz.
# Needs: release genohub (cargo build --release -p genohub), plink2.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
dir="${1:-$root/benches/out/n10000}"
G="${GENOHUB:-$root/target/release/genohub}"
store="${STORE:-$dir/store}"
region="${REGION:-20:1-1000000}"
threads=$(nproc)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

chrom="${region%%:*}"; span="${region#*:}"; from="${span%-*}"; to="${span#*-}"
"$G" --store "$store" samples | tail -n +2 | awk -F'\t' 'NR % 2 == 1 {print $3}' > "$tmp/cases.txt"
"$G" --store "$store" samples | tail -n +2 | awk -F'\t' 'NR % 2 == 0 {print $3}' > "$tmp/controls.txt"
"$G" --store "$store" -q cohort create bench_cases -S "$tmp/cases.txt" --replace > /dev/null 2>&1
"$G" --store "$store" -q cohort create bench_controls -S "$tmp/controls.txt" --replace > /dev/null 2>&1
cat "$tmp/cases.txt" "$tmp/controls.txt" | awk 'BEGIN { print "SAMPLE\tage\tsex"; k = 7 }
    { k = (k * 1103515245 + 12345) % 2147483648; print $1 "\t" 30 + k % 40 "\t" int(k / 65536) % 2 }' > "$tmp/cov.txt"
sed '1s/^SAMPLE/#IID/' "$tmp/cov.txt" > "$tmp/pcov.txt"
{ printf '#IID\tPHENO1\n'; awk '{print $1 "\t2"}' "$tmp/cases.txt"; awk '{print $1 "\t1"}' "$tmp/controls.txt"; } > "$tmp/pheno.txt"

# run NAME CMD...: median of 3 runs; prints "wall cpu" seconds.
run() {
    local name="$1"; shift
    for i in 1 2 3; do
        /usr/bin/time -f "%e %U %S" -o "$tmp/t$i" bash -c "$*" > /dev/null 2> "$tmp/$name.err"
    done
    for i in 1 2 3; do awk '{printf "%s %.3f\n", $1, $2 + $3}' "$tmp/t$i"; done | sort -n -k2 | sed -n 2p
}

read -r gw gc < <(run genohub "$G --store $store -q assoc --cases bench_cases --controls bench_controls --test logistic --covariates $tmp/cov.txt $region -o $tmp/g.tsv")
read -r pw pc < <(run plink2 "plink2 --pfile $dir/cohort --chr $chrom --from-bp $from --to-bp $to --pheno $tmp/pheno.txt --covar $tmp/pcov.txt --glm firth-fallback hide-covar cols=+a1count,+firth --threads $threads --out $tmp/p")
# Fixed cost of genohub's run (store open, sample and cohort resolution) on an empty region.
read -r zw zc < <(run empty "$G --store $store -q assoc --cases bench_cases --controls bench_controls --test logistic --covariates $tmp/cov.txt $chrom:1-1 -o /dev/null")
variants=$(($(wc -l < "$tmp/g.tsv") - 1))
samples=$(($(wc -l < "$tmp/cases.txt") + $(wc -l < "$tmp/controls.txt")))
calls=$((variants * samples))
rate() { awk -v c="$calls" -v s="$1" 'BEGIN{ if (s > 0) printf "%.2e", c / s; else print "inf" }'; }
agree=$(python3 - "$tmp/g.tsv" "$tmp/p.PHENO1.glm.logistic.hybrid" <<'PY'
import sys
g = {}
for l in open(sys.argv[1]).read().splitlines()[1:]:
    f = l.split("\t"); g[(f[1], f[3], f[4])] = f
rows = open(sys.argv[2]).read().splitlines(); h = rows[0].split("\t"); col = {n: i for i, n in enumerate(h)}
n = same_firth = 0; d = []
for l in rows[1:]:
    f = l.split("\t"); r = g.get((f[col["POS"]], f[col["REF"]], f[col["ALT"]]))
    if r is None or f[col["P"]] == "NA" or r[15] == "NA": continue
    n += 1; same_firth += (r[9] == "FIRTH") == (f[col["FIRTH?"]] == "Y")
    p = float(f[col["P"]]); d.append(abs(float(r[15]) - p) / p)
d.sort()
print(f"{n} variants compared, Firth decision alike on {same_firth}, P rel diff median {d[len(d)//2]:.1e} max {d[-1]:.1e}")
PY
)
echo "machine: $threads cores; $(plink2 --version | head -1); region $region: $variants variants x $samples samples = $calls calls; firth rows: $(awk -F'\t' 'NR>1 && $10=="FIRTH"' "$tmp/g.tsv" | wc -l)"
printf '\n| command | wall s | CPU s | calls / CPU-s |\n|---|---|---|---|\n'
printf '| genohub assoc --test logistic --covariates | %s | %s | %s |\n' "$gw" "$gc" "$(rate "$gc")"
printf '| plink2 --glm firth-fallback --covar | %s | %s | %s |\n' "$pw" "$pc" "$(rate "$pc")"
printf '| genohub, same command on an empty region (fixed cost) | %s | %s | |\n' "$zw" "$zc"
echo "agreement: $agree"
