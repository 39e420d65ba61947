#!/usr/bin/env bash
# Cohort analysis side by side on one cohort: `genohub afdist` vs `bcftools +af-dist` (BCF, AF
# filled by +fill-tags) and `plink2 --freq` (pgen); `genohub freq` vs `bcftools +fill-tags` and
# `plink2 --freq --geno-counts --hardy`. Reports wall and CPU seconds (user+sys, children
# included) and genotype calls processed per CPU-second (sites x samples / CPU s).
# Also the same on half of the samples (every second one: `-S`, `bcftools view -S`, `--keep`),
# and `freq` on 10 samples, whole cohort and its first 10,000 records.
# Usage: [STORE=DIR/store] benches/analysis_vs_peers.sh [DIR=benches/out/n10000]
# DIR must hold cohort.vcf.gz; cohort.bcf, cohort.pgen and a genohub store (STORE) are made
# if absent. A store ingested by an older genohub is read as it is: make a new STORE to
# measure the current block format.
# Needs: release genohub (cargo build --release -p genohub), bcftools, plink2.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
dir="${1:-$root/benches/out/n10000}"
G="${GENOHUB:-$root/target/release/genohub}"
threads=$(nproc)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
store="${STORE:-$dir/store}"

[ -s "$dir/cohort.bcf" ] || { bcftools view --threads "$threads" -Ob -o "$dir/cohort.bcf" "$dir/cohort.vcf.gz"; bcftools index "$dir/cohort.bcf"; }
[ -s "$dir/cohort.pgen" ] || plink2 --vcf "$dir/cohort.vcf.gz" --make-pgen --out "$dir/cohort" --threads "$threads" > /dev/null
[ -d "$store" ] || "$G" --store "$store" -q ingest --center bench "$dir/cohort.vcf.gz"
# genohub stores records split like `bcftools norm -m-`, so bcftools gets the split records too
# (+af-dist reads only the first ALT of a multiallelic record). AF written once, so +af-dist
# alone can be timed as well.
[ -s "$dir/cohort.split.af.bcf" ] || bcftools norm -m- "$dir/cohort.bcf" -Ou 2> /dev/null | bcftools +fill-tags -Ob -o "$dir/cohort.split.af.bcf" -- -t AF

# run NAME CMD...: median of 3 runs; prints "wall cpu" seconds. CPU seconds come from
# /usr/bin/time, which reports them to 10 ms: compare runs of ~0.1 s with that in mind.
run() {
    local name="$1"; shift
    for i in 1 2 3; do
        /usr/bin/time -f "%e %U %S" -o "$tmp/t$i" bash -c "$*" > "$tmp/$name.out" 2> /dev/null
    done
    for i in 1 2 3; do awk '{printf "%s %.3f\n", $1, $2 + $3}' "$tmp/t$i"; done | sort -n -k2 | sed -n 2p
}

samples=$("$G" --store "$store" samples | tail -n +2 | wc -l)
bcftools query -l "$dir/cohort.bcf" | awk 'NR % 2 == 0' > "$tmp/half.txt"
half=$(wc -l < "$tmp/half.txt")
sites=$("$G" --store "$store" stats | awk '$1=="sites"{print $2}')
calls=$((samples * sites))
echo "machine: $threads cores; $(bcftools --version | head -1); $(plink2 --version | head -1); cohort: $sites sites x $samples samples = $calls calls"

read -r gw gc < <(run g_afdist "$G --store $store -q afdist")
read -r bw bc < <(run b_afdist "bcftools norm -m- $dir/cohort.bcf -Ou 2>/dev/null | bcftools +fill-tags -Ou -- -t AF | bcftools +af-dist")
read -r bw2 bc2 < <(run b_afdist2 "bcftools +af-dist $dir/cohort.split.af.bcf")
read -r pw pc < <(run p_freq "plink2 --pfile $dir/cohort --freq --threads $threads --out $tmp/p")
read -r gfw gfc < <(run g_freq "$G --store $store -q freq -o $tmp/g.freq")
read -r bfw bfc < <(run b_freq "bcftools norm -m- $dir/cohort.bcf -Ou 2>/dev/null | bcftools +fill-tags -Ou -- -t AC,AN,AF,HWE | bcftools query -f '%POS\t%AC\t%AN\t%AF\t%HWE\n' > $tmp/b.freq")
read -r pfw pfc < <(run p_hardy "plink2 --pfile $dir/cohort --freq --geno-counts --hardy --threads $threads --out $tmp/ph")
read -r hw hc < <(run g_afdist_half "$G --store $store -q afdist -S $tmp/half.txt")
read -r bhw bhc < <(run b_afdist_half "bcftools view -S $tmp/half.txt $dir/cohort.split.af.bcf -Ou | bcftools +fill-tags -Ou -- -t AF | bcftools +af-dist")
read -r phw phc < <(run p_freq_half "plink2 --pfile $dir/cohort --keep $tmp/half.txt --freq --threads $threads --out $tmp/ph2")
read -r phhw phhc < <(run p_hardy_half "plink2 --pfile $dir/cohort --keep $tmp/half.txt --freq --geno-counts --hardy --threads $threads --out $tmp/ph3")
read -r fhw fhc < <(run g_freq_half "$G --store $store -q freq -S $tmp/half.txt -o $tmp/gh.freq")
# A small subset: 10 samples (every 1,000th), on the whole cohort and on its first 10,000
# records (a region ending at the 10,000th pvar record).
bcftools query -l "$dir/cohort.bcf" | awk 'NR % 1000 == 1' > "$tmp/ten.txt"
to_bp=$(grep -v '^#' "$dir/cohort.pvar" | awk -F'\t' 'NR == 10000 {print $2}')
chrom=$(grep -v '^#' "$dir/cohort.pvar" | awk -F'\t' 'NR == 1 {print $1}')
read -r tpw tpc < <(run p_freq_ten "plink2 --pfile $dir/cohort --keep $tmp/ten.txt --freq --geno-counts --hardy --threads $threads --out $tmp/pt")
read -r tgw tgc < <(run g_freq_ten "$G --store $store -q freq -S $tmp/ten.txt -o $tmp/gt.freq")
read -r spw spc < <(run p_freq_slice "plink2 --pfile $dir/cohort --keep $tmp/ten.txt --chr $chrom --from-bp 1 --to-bp $to_bp --freq --geno-counts --hardy --threads $threads --out $tmp/ps")
read -r sgw sgc < <(run g_freq_slice "$G --store $store -q freq -S $tmp/ten.txt $chrom:1-$to_bp -o $tmp/gs.freq")
slice_sites=$(tail -n +2 "$tmp/gs.freq" | wc -l)
same_half=$(diff <(grep -E '^(PROB|DEV)_DIST' "$tmp/g_afdist_half.out") <(grep -E '^(PROB|DEV)_DIST' "$tmp/b_afdist_half.out") > /dev/null && echo identical || echo DIFFERENT)
same=$(diff <(grep -E '^(PROB|DEV)_DIST' "$tmp/g_afdist.out") <(grep -E '^(PROB|DEV)_DIST' "$tmp/b_afdist.out") > /dev/null && echo identical || echo DIFFERENT)

rate() { awk -v c="${2:-$calls}" -v s="$1" 'BEGIN{ if (s > 0) printf "%.2e", c / s; else print "inf" }'; }
hcalls=$((half * sites))
printf '\n| command (n=%s samples, %s sites) | wall s | CPU s | calls / CPU-s |\n|---|---|---|---|\n' "$samples" "$sites"
printf '| genohub afdist | %s | %s | %s |\n' "$gw" "$gc" "$(rate "$gc")"
printf '| bcftools norm -m- \\| +fill-tags -t AF \\| +af-dist (BCF) | %s | %s | %s |\n' "$bw" "$bc" "$(rate "$bc")"
printf '| bcftools +af-dist (BCF with AF already filled) | %s | %s | %s |\n' "$bw2" "$bc2" "$(rate "$bc2")"
printf '| plink2 --pfile --freq | %s | %s | %s |\n' "$pw" "$pc" "$(rate "$pc")"
printf '| genohub freq (AC/AN/AF/counts/HWE) | %s | %s | %s |\n' "$gfw" "$gfc" "$(rate "$gfc")"
printf '| bcftools norm -m- \\| +fill-tags -t AC,AN,AF,HWE \\| query | %s | %s | %s |\n' "$bfw" "$bfc" "$(rate "$bfc")"
printf '| plink2 --freq --geno-counts --hardy | %s | %s | %s |\n' "$pfw" "$pfc" "$(rate "$pfc")"
printf '| genohub afdist -S (%s samples) | %s | %s | %s |\n' "$half" "$hw" "$hc" "$(rate "$hc" "$hcalls")"
printf '| bcftools view -S \| +fill-tags -t AF \| +af-dist (split BCF) | %s | %s | %s |\n' "$bhw" "$bhc" "$(rate "$bhc" "$hcalls")"
printf '| plink2 --pfile --keep --freq | %s | %s | %s |\n' "$phw" "$phc" "$(rate "$phc" "$hcalls")"
printf '| plink2 --pfile --keep --freq --geno-counts --hardy | %s | %s | %s |\n' "$phhw" "$phhc" "$(rate "$phhc" "$hcalls")"
printf '| genohub freq -S | %s | %s | %s |\n' "$fhw" "$fhc" "$(rate "$fhc" "$hcalls")"
printf '| plink2 --keep (10 samples) --freq --geno-counts --hardy | %s | %s | %s |\n' "$tpw" "$tpc" "$(rate "$tpc" $((10 * sites)))"
printf '| genohub freq -S (10 samples) | %s | %s | %s |\n' "$tgw" "$tgc" "$(rate "$tgc" $((10 * sites)))"
printf '| plink2 --keep (10) --from-bp 1 --to-bp %s --freq --geno-counts --hardy | %s | %s | %s |\n' "$to_bp" "$spw" "$spc" "$(rate "$spc" $((10 * slice_sites)))"
printf '| genohub freq -S (10) %s:1-%s (%s sites) | %s | %s | %s |\n' "$chrom" "$to_bp" "$slice_sites" "$sgw" "$sgc" "$(rate "$sgc" $((10 * slice_sites)))"
echo "PROB_DIST/DEV_DIST genohub vs bcftools: $same; on the half: $same_half"
