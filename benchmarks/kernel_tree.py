"""Where Debian's configured kernel tree is (linux-headers-*-amd64), for the benchmarks
that build or preprocess real Kbuild units; None when it is not installed."""

import glob
import os


def kernel_tree():
    for d in sorted(glob.glob("/usr/src/linux-headers-*-amd64")):
        if os.path.exists(os.path.join(d, "Makefile")):
            return d
    return None
