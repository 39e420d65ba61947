#!/usr/bin/env python3
"""A realistic cohort with msprime (coalescent with recombination, human-like parameters),
written as bgzip VCF. Usage: msprime_cohort.py SAMPLES LENGTH_BP SEED OUT.vcf.gz"""
import subprocess
import sys

import msprime
import numpy as np

samples, length, seed, out = int(sys.argv[1]), int(float(sys.argv[2])), int(sys.argv[3]), sys.argv[4]
ts = msprime.sim_ancestry(
    samples=samples,
    sequence_length=length,
    recombination_rate=1e-8,
    population_size=10_000,
    ploidy=2,
    random_seed=seed,
)
ts = msprime.sim_mutations(ts, rate=1.2e-8, random_seed=seed)
with subprocess.Popen(["bgzip", "-@2", "-c"], stdin=subprocess.PIPE, stdout=open(out, "wb"), text=True) as p:
    ts.write_vcf(
        p.stdin,
        contig_id="20",
        # VCF positions are 1-based; msprime's are 0-based.
        position_transform=lambda x: np.fix(x).astype(int) + 1,
    )
print(f"{out}: {ts.num_samples // 2} samples, {ts.num_sites} sites", file=sys.stderr)
