#!/usr/bin/env bash
# Reproducible simulated 30x paired-end BAM: a 5 Mb slice of the real GRCh37 chr20 (Debian's
# vt-examples package), reads with known variants from dwgsim (fixed seed), aligned with
# minimap2 -ax sr, coordinate-sorted and indexed by samtools.
# Usage: benches/reads_sim30x.sh [OUT_DIR=benches/out/reads] [START=30000001] [LENGTH=5000000]
# Needs: dwgsim minimap2 samtools (Debian packages), dpkg-deb and apt-get download for vt-examples.
# Outputs: OUT/ref.fa(.fai), OUT/sim30x.bam(.bai), OUT/sim.mutations.vcf (the known variants).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
out="${1:-${BENCH_OUT:-$root/benches/out}/reads}"
start="${2:-30000001}"; len="${3:-5000000}"
mkdir -p "$out"
cd "$out"
if [ ! -s ref.fa ]; then
    if [ ! -s vt/usr/share/doc/vt/examples/ref/20.fa.gz ]; then
        apt-get download vt-examples >/dev/null
        dpkg-deb -x vt-examples_*.deb vt
    fi
    src=vt/usr/share/doc/vt/examples/ref/20.fa.gz
    # The package ships 20.fa.gz with a gzipped .gzi; samtools needs both indexes beside it.
    [ -s "$src.gzi" ] || gunzip -k "$src.gzi.gz"
    samtools faidx "$src" "20:$start-$((start + len - 1))" | sed '1s/.*/>20/' > ref.fa
    samtools faidx ref.fa
fi
pairs=$(( len * 30 / 300 ))
if [ ! -s sim30x.bam ]; then
    # -e/-E error rates, -r mutation rate (known variants in sim.mutations.vcf), insert 250 +- 50
    # so that many mates overlap (the case mosdepth and samtools depth count differently).
    dwgsim -z 11 -N "$pairs" -1 150 -2 150 -d 250 -s 50 -e 0.002 -E 0.002 -r 0.001 -R 0.1 ref.fa sim >/dev/null 2>&1
    minimap2 -t "$(nproc)" -ax sr -R '@RG\tID:sim\tSM:SIM30X' ref.fa sim.bwa.read1.fastq.gz sim.bwa.read2.fastq.gz 2>/dev/null \
        | samtools sort -@ 2 -o sim30x.bam -
    samtools index sim30x.bam
fi
echo "$out/sim30x.bam: $(stat -c %s sim30x.bam) bytes, $pairs pairs of 2x150 over $len bp"
