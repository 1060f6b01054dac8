/// Job definitions that run a sweep's shards beyond one machine: a Kubernetes Indexed Job (the
/// shard index from `JOB_COMPLETION_INDEX`) or a Slurm job array (`SLURM_ARRAY_TASK_ID`). Each
/// shard writes its own results database; `loomsim merge` combines them (docs/sweeps.md).
public enum SweepEmit {
    /// What every shard runs, before `--shard`, `--out` and `--jobs`: `sweep FILE --param ... --seed ... --replications ...`.
    public struct Command: Sendable {
        public var file: String
        public var arguments: [String]
        public var scenarioName: String
        public var points: Int
        public init(file: String, arguments: [String], scenarioName: String, points: Int) {
            self.file = file
            self.arguments = arguments
            self.scenarioName = scenarioName
            self.points = points
        }
    }

    /// A DNS-label-safe name for the job.
    static func jobName(_ scenario: String) -> String {
        var s = String(("loomsim-sweep-" + scenario.lowercased()).map { $0.isLetter || $0.isNumber ? $0 : "-" })
        while s.contains("--") { s = s.replacingOccurrences(of: "--", with: "-") }
        s = String(s.prefix(52))
        while s.hasSuffix("-") { s.removeLast() }
        return s
    }

    static func yamlString(_ s: String) -> String { SweepScenarios.quote(s) }

    /// A Kubernetes Indexed Job running `shards` shards, `parallelism` at a time, each with
    /// `cpus` cores, writing `/results/shard-<index>` on the volume claim `claim`.
    public static func kubernetes(_ c: Command, shards: Int, parallelism: Int, image: String, claim: String, cpus: Int) -> String {
        let args = ["sweep", c.file] + c.arguments + [
            "--shard", "$(JOB_COMPLETION_INDEX)/\(shards)", "--jobs", "\(cpus)",
            "--out", "/results/shard-$(JOB_COMPLETION_INDEX)",
        ]
        return """
            # \(c.points) sweep point(s) of \(c.scenarioName) in \(shards) shard(s): point i runs in shard i mod \(shards).
            # kubectl apply -f this file; when the job completes, merge the shards:
            #   loomsim merge /results/shard-* --out /results/merged
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: \(jobName(c.scenarioName))
              labels: {app: loomsim-sweep}
            spec:
              completionMode: Indexed
              completions: \(shards)
              parallelism: \(parallelism)
              backoffLimitPerIndex: 2
              maxFailedIndexes: \(shards)
              template:
                metadata:
                  labels: {app: loomsim-sweep}
                spec:
                  restartPolicy: Never
                  containers:
                    - name: loomsim
                      image: \(yamlString(image))
                      command: ["loomsim"]
                      args: [\(args.map(yamlString).joined(separator: ", "))]
                      env:
                        - name: JOB_COMPLETION_INDEX
                          valueFrom:
                            fieldRef:
                              fieldPath: metadata.annotations['batch.kubernetes.io/job-completion-index']
                      resources:
                        requests: {cpu: "\(cpus)"}
                        limits: {cpu: "\(cpus)"}
                      volumeMounts:
                        - {name: results, mountPath: /results}
                  volumes:
                    - name: results
                      persistentVolumeClaim: {claimName: \(yamlString(claim))}

            """
    }

    /// A Slurm job-array script running `shards` shards, each with `cpus` cores, writing
    /// `<results>/shard-<index>`.
    public static func slurm(_ c: Command, shards: Int, results: String, cpus: Int) -> String {
        let sweep = (["loomsim", "sweep", c.file] + c.arguments).map(SweepScenarios.shellQuote).joined(separator: " ")
        return """
            #!/bin/bash
            # \(c.points) sweep point(s) of \(c.scenarioName) in \(shards) shard(s): point i runs in shard i mod \(shards).
            # Submit with: sbatch this-file.sh   (from the directory holding \(c.file))
            # When every task has finished, merge the shards:
            #   loomsim merge \(SweepScenarios.shellQuote(results))/shard-* --out \(SweepScenarios.shellQuote(results))/merged
            #SBATCH --job-name=\(jobName(c.scenarioName))
            #SBATCH --array=0-\(shards - 1)
            #SBATCH --cpus-per-task=\(cpus)
            #SBATCH --output=slurm-%A_%a.out
            set -euo pipefail
            RESULTS=${LOOMSIM_RESULTS:-\(SweepScenarios.shellQuote(results))}
            mkdir -p "$RESULTS"
            \(sweep) --shard "${SLURM_ARRAY_TASK_ID}/\(shards)" --jobs "${SLURM_CPUS_PER_TASK:-\(cpus)}" --out "$RESULTS/shard-${SLURM_ARRAY_TASK_ID}"

            """
    }
}
