#!/usr/bin/env python3
"""Latency of one trivial gRPC call (grpc.health.v1.Health/Check) from Python's grpcio client: against a running
`switchyard epp` (TARGET, e.g. 127.0.0.1:9002) and against grpcio's own C-core server, started here in a process of
its own on PORT, so that the two servers are compared through the same client on the same machine. Alternates the
two, three times.

Usage: python Scripts/grpc-roundtrip.py TARGET [PORT]     (pip install grpcio grpcio-health-checking)
"""
import subprocess, sys, time
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc


def bench(target, n=2000):
    channel = grpc.insecure_channel(target)
    stub = health_pb2_grpc.HealthStub(channel)
    request = health_pb2.HealthCheckRequest(service="")
    for _ in range(50):
        stub.Check(request)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        stub.Check(request)
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2] * 1e3, times[int(len(times) * 0.99)] * 1e3


if len(sys.argv) < 2:
    sys.exit(__doc__)
if sys.argv[1] == "--serve":
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    health_pb2_grpc.add_HealthServicer_to_server(health.HealthServicer(), server)
    server.add_insecure_port(f"127.0.0.1:{sys.argv[2]}")
    server.start()
    server.wait_for_termination()
    sys.exit(0)
port = sys.argv[2] if len(sys.argv) > 2 else "19455"
child = subprocess.Popen([sys.executable, __file__, "--serve", port])
try:
    time.sleep(1.5)
    for _ in range(3):
        for name, target in (("grpcio C-core server", f"127.0.0.1:{port}"), ("switchyard epp", sys.argv[1])):
            p50, p99 = bench(target)
            print(f"{name:22s} p50 {p50:.3f} ms  p99 {p99:.3f} ms", flush=True)
finally:
    child.kill()
