#!/usr/bin/env bash
# Side by side, in one run: genohub ingest vs `bcftools view -Ob`; bytes of the genohub store vs
# BCF, vcf.gz and plink2 pgen; a 100 kb region query vs `bcftools view -r` on BCF+CSI.
# Usage: benches/store_vs_bcftools.sh SAMPLES [LENGTH_BP=10000000] [SEED=1]
# Needs: release genohub (cargo build --release -p genohub), bcftools, plink2, python3 msprime.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
n="${1:?samples}"; len="${2:-10000000}"; seed="${3:-1}"
out="${BENCH_OUT:-$root/benches/out}/n$n"
mkdir -p "$out"
G="$root/target/release/genohub"
threads=$(nproc)
vcf="$out/cohort.vcf.gz"
[ -s "$vcf" ] || python3 "$here/msprime_cohort.py" "$n" "$len" "$seed" "$vcf"

wall() { /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" > /dev/null; cat "$out/time.txt"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m)"
echo "versions: $($G --version), $(bcftools --version | head -1), $(plink2 --version 2>/dev/null | head -1)"
echo "input: $(zcat "$vcf" | grep -vc '^#') records x $n samples, vcf.gz $(stat -c %s "$vcf") bytes"

rm -f "$out/cohort.bcf" "$out/cohort.bcf.csi"
read -r bt bm < <(wall bcftools view --threads "$threads" -Ob -o "$out/cohort.bcf" "$vcf")
bcftools index "$out/cohort.bcf"
rm -rf "$out/store"
read -r gt gm < <(wall "$G" --store "$out/store" -q ingest --center bench "$vcf")
"$G" --store "$out/store" -q stats --compact > /dev/null
store_bytes=$(du -sb "$out/store" | cut -f1)
plink2 --vcf "$vcf" --make-pgen --out "$out/cohort" --threads "$threads" > /dev/null 2>&1 || true
pgen_bytes=$(stat -c %s "$out/cohort.pgen" 2>/dev/null || echo NA)
bcf_bytes=$(stat -c %s "$out/cohort.bcf")

start=$(( len / 2 )); end=$(( start + 100000 ))
region="20:$start-$end"
q_b=$(hyperfine -N --warmup 2 --runs 10 --export-json "$out/qb.json" "bcftools view -r $region $out/cohort.bcf -o /dev/null" >/dev/null 2>&1; python3 -c "import json;print('%.4f'%json.load(open('$out/qb.json'))['results'][0]['median'])")
q_g=$(hyperfine -N --warmup 2 --runs 10 --export-json "$out/qg.json" "$G --store $out/store view $region -o /dev/null" >/dev/null 2>&1; python3 -c "import json;print('%.4f'%json.load(open('$out/qg.json'))['results'][0]['median'])")
n_b=$(bcftools view -H -r "$region" "$out/cohort.bcf" | wc -l)
n_g=$("$G" --store "$out/store" view "$region" | grep -vc '^#')

printf '\n| measure (n=%s) | genohub | peer | ratio |\n|---|---|---|---|\n' "$n"
printf '| ingest wall s (peer: bcftools view -Ob --threads %s) | %s | %s | %.2f |\n' "$threads" "$gt" "$bt" "$(echo "$gt / $bt" | bc -l)"
printf '| ingest peak RSS KiB | %s | %s | |\n' "$gm" "$bm"
printf '| bytes (peer: BCF) | %s | %s | %.3f |\n' "$store_bytes" "$bcf_bytes" "$(echo "$store_bytes / $bcf_bytes" | bc -l)"
printf '| bytes vs vcf.gz | %s | %s | %.3f |\n' "$store_bytes" "$(stat -c %s "$vcf")" "$(echo "$store_bytes / $(stat -c %s "$vcf")" | bc -l)"
printf '| bytes vs plink2 pgen | %s | %s | |\n' "$store_bytes" "$pgen_bytes"
printf '| 100 kb region query, median s (peer: bcftools view -r on BCF+CSI) | %s | %s | %.2f |\n' "$q_g" "$q_b" "$(echo "$q_g / $q_b" | bc -l)"
printf '| records in region | %s | %s | |\n' "$n_g" "$n_b"
