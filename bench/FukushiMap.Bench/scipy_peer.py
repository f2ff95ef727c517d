"""The scipy peer of FukushiMap.Bench: scipy.sparse.csgraph's C Dijkstra on the same arcs, driven line by line over stdin.

Commands (one per line; each answered by one line on stdout):
  load <nodes> <file>            read the arcs (int64 count, int32 sources, int32 targets, float64 costs), build the matrix
  build                          build the matrix again; answers "t <wall ms> <cpu ms> <stored entries>"
  hubs <name> <i,j,...>          remember a set of hub node indices
  run <name> <limit>             one timed call; answers "t <wall ms> <cpu ms> <nodes reached>"
  dump <name> <limit> <file>     one untimed call; writes float64 metres then int32 nearest hub node (-1 unreached) per node
Timed: dijkstra(min_only=True, limit, indices=hubs, return_predecessors=True), then the reached nodes with their metres and
nearest hub read out (numpy), as a caller would. CPU time is this thread's (time.thread_time).
"""
import sys
import time

import numpy as np
import scipy
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra


def main():
    nodes = 0
    arcs = None
    matrix = None
    hubs = {}

    def build():
        sources, targets, costs = arcs
        return csr_matrix((costs, (sources, targets)), shape=(nodes, nodes))

    def search(name, limit):
        dist, _, nearest = dijkstra(matrix, directed=True, indices=hubs[name], return_predecessors=True,
                                    limit=limit, min_only=True)
        reached = np.flatnonzero(np.isfinite(dist))
        return dist, nearest, reached, dist[reached], nearest[reached]

    print(f"ready scipy {scipy.__version__} numpy {np.__version__}", flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        command = parts[0]
        if command == "load":
            nodes = int(parts[1])
            with open(parts[2], "rb") as f:
                count = int(np.fromfile(f, dtype="<i8", count=1)[0])
                sources = np.fromfile(f, dtype="<i4", count=count)
                targets = np.fromfile(f, dtype="<i4", count=count)
                costs = np.fromfile(f, dtype="<f8", count=count)
            arcs = (sources, targets, costs)
            matrix = build()
            print(f"ok {matrix.nnz}", flush=True)
        elif command == "build":
            w0, c0 = time.perf_counter(), time.thread_time()
            m = build()
            w1, c1 = time.perf_counter(), time.thread_time()
            print(f"t {(w1 - w0) * 1e3!r} {(c1 - c0) * 1e3!r} {m.nnz}", flush=True)
        elif command == "hubs":
            hubs[parts[1]] = np.array([int(x) for x in parts[2].split(",")], dtype=np.int32)
            print("ok", flush=True)
        elif command == "run":
            w0, c0 = time.perf_counter(), time.thread_time()
            _, _, reached, _, _ = search(parts[1], float(parts[2]))
            w1, c1 = time.perf_counter(), time.thread_time()
            print(f"t {(w1 - w0) * 1e3!r} {(c1 - c0) * 1e3!r} {len(reached)}", flush=True)
        elif command == "dump":
            dist, nearest, _, _, _ = search(parts[1], float(parts[2]))
            nearest = np.where(np.isfinite(dist), nearest, -1).astype("<i4")
            with open(parts[3], "wb") as f:
                dist.astype("<f8").tofile(f)
                nearest.tofile(f)
            print("ok", flush=True)
        else:
            print(f"error unknown command {command}", flush=True)


if __name__ == "__main__":
    main()
