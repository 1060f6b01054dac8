import Reporting

/// `plan.html`: the plan's result and every configuration run at the scenario's load, handed to
/// Reporting's `PlanPage` as plain values (Reporting does not know ScenarioRunner's types).
extension PlanReport {
    /// The page of `r`; `history` is the evaluator's runs in run order (the cost frontier is its
    /// load-1 part), so the page, like plan.md, does not depend on --jobs.
    public static func html(_ r: PlanResult, history: [PlanEvaluation], rerunCommand: String = "") -> String {
        page(r, history: history, rerunCommand: rerunCommand).html
    }

    public static func page(_ r: PlanResult, history: [PlanEvaluation], rerunCommand: String = "") -> PlanPage {
        func configuration(_ e: PlanEvaluation) -> PlanPage.Configuration {
            PlanPage.Configuration(values: e.values, feasible: e.feasible, dollarsPerHour: e.dollarsPerHour)
        }
        let recommendation = r.recommended.map { b in
            PlanPage.Recommendation(
                values: b.values, dollarsPerHour: b.dollarsPerHour, dollarsPerRun: b.dollarsPerRun,
                slos: b.slos.map { PlanPage.SLOMargin(name: $0.name, bound: $0.bound, valueText: $0.valueText, thresholdText: $0.thresholdText,
                                                      marginText: $0.marginText, relativeMargin: $0.relativeMargin, passed: $0.passed) },
                nothingLost: b.nothingLost,
                bill: b.bill.map { PlanPage.BillLine(name: $0.name, quantity: $0.quantity, unitPrice: $0.unitPrice, dollarsPerHour: $0.dollarsPerHour) },
                digest: b.digest)
        }
        return PlanPage(
            scenario: r.scenario, variables: r.variables, directions: r.directions, bound: r.bound, replications: r.replications,
            evaluations: r.evaluations, boxSize: r.boxSize, recommendation: recommendation,
            curve: r.curve.map { PlanPage.CurvePoint(load: $0.load, best: $0.best.map(configuration), evaluated: $0.evaluated,
                                                     inferred: $0.inferred, truncated: $0.truncated) },
            frontier: history.filter { $0.load == 1 }.map(configuration),
            neighbourCheck: r.verification.map { v in
                PlanPage.NeighbourCheck(searched: v.searched, neighbours: v.neighbours.map {
                    PlanPage.Configuration(values: $0.values, feasible: $0.feasible, dollarsPerHour: $0.dollarsPerHour)
                }, moves: v.moves)
            },
            inversions: r.inversions.map { PlanPage.Inversion(load: $0.load, feasible: $0.feasible, infeasible: $0.infeasible) },
            inversionCount: r.inversionCount, inversionLimit: Planner.inversionLimit, rerunCommand: rerunCommand)
    }
}
