"""M/M/c in SimPy: the kernel benchmark's model, stop rule and output line (bench/mmc.c).

Poisson arrivals (rate lam), exponential service (rate mu), c servers, one FIFO queue
(simpy.Resource), stop at the N-th departure. events = arrivals + departures processed.
"""
import argparse
import random
import time

import simpy


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--lam", type=float, default=9.0)
    p.add_argument("--mu", type=float, default=1.0)
    p.add_argument("--c", type=int, default=10)
    p.add_argument("--seed", type=int, default=12345)
    a = p.parse_args()

    rng = random.Random(a.seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=a.c)
    state = {"arrivals": 0, "departures": 0, "wait_sum": 0.0}
    done = env.event()

    def customer(env):
        arrived = env.now
        with servers.request() as req:
            yield req
            state["wait_sum"] += env.now - arrived
            yield env.timeout(rng.expovariate(a.mu))
        state["departures"] += 1
        if state["departures"] == a.customers and not done.triggered:
            done.succeed()

    def source(env):
        while True:
            yield env.timeout(rng.expovariate(a.lam))
            state["arrivals"] += 1
            env.process(customer(env))

    env.process(source(env))
    t0 = time.perf_counter()
    env.run(until=done)
    wall = time.perf_counter() - t0
    events = state["arrivals"] + state["departures"]
    print(f"events={events} wall_s={wall:.4f} events_per_s={events / wall:.0f} "
          f"mean_wait={state['wait_sum'] / state['departures']:.6f}")


if __name__ == "__main__":
    main()
