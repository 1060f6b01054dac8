/// The analytic cases shipped with loomsim: `shared/validation/queueing-analytic.json` as of the
/// project's start (M/M/1, M/M/c, M/M/1/K, M/D/1, M/G/1), embedded so that the binary checks
/// itself anywhere. `loomsim check queueing --cases FILE` reads other files of the same format.
public let shippedQueueingCases: String = #"""
[
 {
  "model": "M/M/1",
  "params": {
   "lambda": 0.9,
   "mu": 1,
   "c": 1,
   "rho": 0.9
  },
  "metric": "P_wait (Erlang C)",
  "value": 0.9
 },
 {
  "model": "M/M/1",
  "params": {
   "lambda": 0.9,
   "mu": 1,
   "c": 1,
   "rho": 0.9
  },
  "metric": "Wq (mean wait in queue)",
  "value": 9.0
 },
 {
  "model": "M/M/1",
  "params": {
   "lambda": 0.9,
   "mu": 1,
   "c": 1,
   "rho": 0.9
  },
  "metric": "Lq (mean number in queue)",
  "value": 8.1
 },
 {
  "model": "M/M/1",
  "params": {
   "lambda": 0.9,
   "mu": 1,
   "c": 1,
   "rho": 0.9
  },
  "metric": "W (mean time in system)",
  "value": 10.0
 },
 {
  "model": "M/M/c",
  "params": {
   "lambda": 4.5,
   "mu": 1,
   "c": 5,
   "rho": 0.9
  },
  "metric": "P_wait (Erlang C)",
  "value": 0.762493220733
 },
 {
  "model": "M/M/c",
  "params": {
   "lambda": 4.5,
   "mu": 1,
   "c": 5,
   "rho": 0.9
  },
  "metric": "Wq (mean wait in queue)",
  "value": 1.52498644147
 },
 {
  "model": "M/M/c",
  "params": {
   "lambda": 4.5,
   "mu": 1,
   "c": 5,
   "rho": 0.9
  },
  "metric": "Lq (mean number in queue)",
  "value": 6.8624389866
 },
 {
  "model": "M/M/c",
  "params": {
   "lambda": 4.5,
   "mu": 1,
   "c": 5,
   "rho": 0.9
  },
  "metric": "W (mean time in system)",
  "value": 2.52498644147
 },
 {
  "model": "M/M/c",
  "params": {
   "lambda": 9,
   "mu": 1,
   "c": 10,
   "rho": 0.9
  },
  "metric": "P_wait (Erlang C)",
  "value": 0.668731524108
 },
 {
  "model": "M/M/c",
  "params": {
   "lambda": 9,
   "mu": 1,
   "c": 10,
   "rho": 0.9
  },
  "metric": "Wq (mean wait in queue)",
  "value": 0.668731524108
 },
 {
  "model": "M/M/c",
  "params": {
   "lambda": 9,
   "mu": 1,
   "c": 10,
   "rho": 0.9
  },
  "metric": "Lq (mean number in queue)",
  "value": 6.01858371697
 },
 {
  "model": "M/M/c",
  "params": {
   "lambda": 9,
   "mu": 1,
   "c": 10,
   "rho": 0.9
  },
  "metric": "W (mean time in system)",
  "value": 1.66873152411
 },
 {
  "model": "M/M/c",
  "params": {
   "lambda": 95,
   "mu": 1,
   "c": 100,
   "rho": 0.95
  },
  "metric": "P_wait (Erlang C)",
  "value": 0.506456853913
 },
 {
  "model": "M/M/c",
  "params": {
   "lambda": 95,
   "mu": 1,
   "c": 100,
   "rho": 0.95
  },
  "metric": "Wq (mean wait in queue)",
  "value": 0.101291370783
 },
 {
  "model": "M/M/c",
  "params": {
   "lambda": 95,
   "mu": 1,
   "c": 100,
   "rho": 0.95
  },
  "metric": "Lq (mean number in queue)",
  "value": 9.62268022435
 },
 {
  "model": "M/M/c",
  "params": {
   "lambda": 95,
   "mu": 1,
   "c": 100,
   "rho": 0.95
  },
  "metric": "W (mean time in system)",
  "value": 1.10129137078
 },
 {
  "model": "M/M/1",
  "params": {
   "lambda": 0.5,
   "mu": 1,
   "c": 1,
   "rho": 0.5
  },
  "metric": "P_wait (Erlang C)",
  "value": 0.5
 },
 {
  "model": "M/M/1",
  "params": {
   "lambda": 0.5,
   "mu": 1,
   "c": 1,
   "rho": 0.5
  },
  "metric": "Wq (mean wait in queue)",
  "value": 1.0
 },
 {
  "model": "M/M/1",
  "params": {
   "lambda": 0.5,
   "mu": 1,
   "c": 1,
   "rho": 0.5
  },
  "metric": "Lq (mean number in queue)",
  "value": 0.5
 },
 {
  "model": "M/M/1",
  "params": {
   "lambda": 0.5,
   "mu": 1,
   "c": 1,
   "rho": 0.5
  },
  "metric": "W (mean time in system)",
  "value": 2.0
 },
 {
  "model": "M/M/1/K",
  "params": {
   "lambda": 0.8,
   "mu": 1,
   "K": 5,
   "rho": 0.8
  },
  "metric": "P_block (probability an arrival is lost)",
  "value": 0.0888194986556
 },
 {
  "model": "M/D/1",
  "params": {
   "lambda": 0.7,
   "service_time": 1.0,
   "rho": 0.7
  },
  "metric": "Wq (mean wait in queue)",
  "value": 1.16666666667
 },
 {
  "model": "M/G/1",
  "params": {
   "lambda": 0.6,
   "service": "lognormal",
   "service_mean": 1.0,
   "service_cv": 1.5,
   "lognormal_mu": -0.5893274981708231,
   "lognormal_sigma": 1.085658784490618,
   "rho": 0.6
  },
  "metric": "Wq (mean wait in queue)",
  "value": 2.4375
 }
]
"""#
