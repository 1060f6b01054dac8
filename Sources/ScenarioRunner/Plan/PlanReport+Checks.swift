/// The plan report's sections on the search's assumption: the neighbour check of the
/// recommendation and the monotonicity violations seen among the runs.
extension PlanReport {
    static func verification(_ r: PlanResult) -> String {
        guard let v = r.verification else { return "" }
        var out = "## Neighbour check\n\n"
        out += "The search found " + configuration(r.variables, v.searched) + "; its neighbours (one candidate step down and up "
        out += "on each variable) were run"
        out += v.moves == 0 ? " and none is cheaper and feasible.\n\n"
            : ", and the recommendation moved \(v.moves) time(s) to a cheaper feasible one (the model is not monotone there).\n\n"
        out += "| " + r.variables.map { "`\(shortKey($0))`" }.joined(separator: " | ") + " | verdict | $/hour |\n"
        out += "|" + r.variables.map { _ in "---|" }.joined() + "---|---|\n"
        for n in v.neighbours {
            out += "| " + n.values.joined(separator: " | ") + " | \(n.feasible ? "meets SLOs" : "fails") | \(money(n.dollarsPerHour)) |\n"
        }
        return out + "\n"
    }

    static func monotonicity(_ r: PlanResult) -> String {
        var out = "\n## Monotonicity\n\n"
        guard r.inversionCount > 0 else {
            return out + "No violation among the configurations run: no configuration failed while one with no more of any "
                + "variable met every SLO at the same load.\n"
        }
        out += "The search assumes more capacity never breaks an SLO; \(r.inversionCount) pair(s) of the configurations run "
        out += "contradict it, so verdicts it inferred near them may be wrong (the neighbour check above guards the recommendation):\n\n"
        for i in r.inversions {
            out += "- monotonicity violated at load \(String(format: "%g", i.load))×: " + configuration(r.variables, i.feasible)
            out += " meets every SLO but " + configuration(r.variables, i.infeasible) + " (more capacity) fails\n"
        }
        if r.inversions.count < r.inversionCount {
            out += "- … \(r.inversionCount - r.inversions.count) more (at most \(Planner.inversionLimit) listed per load)\n"
        }
        return out
    }

    /// `rtx-3060=4, rtx-4080=2` (the keys' last parts).
    static func configuration(_ keys: [String], _ values: [String]) -> String {
        "`" + zip(keys, values).map { "\($0.split(separator: ".").last ?? "")=\($1)" }.joined(separator: ", ") + "`"
    }
}
