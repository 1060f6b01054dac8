import GRDB

/// A capacity plan's rows (`loomsim plan`): every configuration run at a load is a run of the
/// database (its values and the load in `parameters`, its SLO values in `assertions`), and
/// `plan_evaluations` adds what the plan decided about it — the load, feasibility and cost under
/// the plan's cost model, whether it is the cheapest feasible one at its load (the capacity
/// curve) and whether it is the recommendation. Notebooks draw the cost frontier from it.
extension ResultsDatabase {
    /// One configuration at one load as the planner judged it.
    public struct PlanEvaluationRow: Sendable, Equatable {
        /// Evaluation order (0-based); also the run's `point`.
        public var seq: Int
        public var load: Double
        /// `key=value` pairs of the decision variables, space separated.
        public var configuration: String
        public var feasible: Bool
        public var nothingLost: Bool
        public var dollarsPerHour: Double
        public var dollarsPerRun: Double

        public init(seq: Int, load: Double, configuration: String, feasible: Bool, nothingLost: Bool,
                    dollarsPerHour: Double, dollarsPerRun: Double) {
            self.seq = seq
            self.load = load
            self.configuration = configuration
            self.feasible = feasible
            self.nothingLost = nothingLost
            self.dollarsPerHour = dollarsPerHour
            self.dollarsPerRun = dollarsPerRun
        }
    }

    /// Records a run's plan row (after `record` wrote the run itself).
    public func recordPlanEvaluation(_ row: PlanEvaluationRow, run: Int64) throws {
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO plan_evaluations (run_id, seq, load, configuration, feasible, nothing_lost,
                  dollars_per_hour, dollars_per_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [run, row.seq, row.load, row.configuration, row.feasible ? 1 : 0, row.nothingLost ? 1 : 0,
                                 finite(row.dollarsPerHour), finite(row.dollarsPerRun)])
        }
    }

    /// Marks the plan's answer: the cheapest feasible evaluation of each load (by `seq`) and the
    /// recommendation (nil: none).
    public func markPlan(cheapest: [Int], recommended: Int?) throws {
        try queue.write { db in
            try db.execute(sql: "UPDATE plan_evaluations SET cheapest_at_load = 0, recommended = 0")
            for seq in cheapest {
                try db.execute(sql: "UPDATE plan_evaluations SET cheapest_at_load = 1 WHERE seq = ?", arguments: [seq])
            }
            if let recommended {
                try db.execute(sql: "UPDATE plan_evaluations SET recommended = 1 WHERE seq = ?", arguments: [recommended])
            }
        }
    }

    /// Whether the database holds any run that is not a plan evaluation (a sweep or single run).
    public func holdsRunsOtherThanAPlan() throws -> Bool {
        try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE run_id NOT IN (SELECT run_id FROM plan_evaluations)") ?? 0 > 0
        }
    }
}
