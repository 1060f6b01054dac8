/// Renders `junit.xml` for CI: one `<testsuite>` named after the scenario with one `<testcase>`
/// per SLO (class name = scenario), one for conservation ("nothing lost") and one for the run
/// having completed. Failures carry the measured value and the threshold. No `time` or
/// `timestamp` attributes: they would be wall-clock values and break byte-identical output.
public enum JUnitReport {
    public static func render(_ report: RunReport) -> String {
        let cls = Escape.markup(report.scenario)
        var cases: [String] = []
        var failures = 0
        for s in report.slos {
            var tc = "    <testcase classname=\"\(cls)\" name=\"\(Escape.markup(s.name))\">"
            if !s.passed {
                failures += 1
                let measured = NumberFormat.withUnit(s.value, s.unit, digits: 4)
                let message = "\(s.metric) = \(measured), threshold \(s.threshold)"
                var detail = "SLO: \(s.name)\nmetric: \(s.metric)\nmeasured: \(measured)\nthreshold: \(s.threshold)"
                if let m = s.mean { detail += "\nmean: \(NumberFormat.withUnit(m, s.unit, digits: 4))" }
                if let lo = s.ciLow, let hi = s.ciHigh {
                    detail += "\nCI: [\(NumberFormat.withUnit(lo, s.unit, digits: 4)), \(NumberFormat.withUnit(hi, s.unit, digits: 4))]"
                }
                tc += "\n      <failure type=\"SLOViolation\" message=\"\(Escape.markup(message))\">\(Escape.markup(detail))</failure>\n    "
            }
            cases.append(tc + "</testcase>")
        }

        var conservation = "    <testcase classname=\"\(cls)\" name=\"conservation: nothing lost\">"
        if !report.conservationHolds {
            failures += 1
            let bad = report.conservationRows.filter { !$0.balanced }
            var detail = bad.map {
                "\($0.service): entered \($0.entered) != completed \($0.completed) + failed \($0.failed) + dead-lettered \($0.deadLettered) + dropped \($0.dropped) + in flight \($0.inFlight)"
            }
            detail += report.conservationViolations.prefix(50)
            let message = "\(bad.count) unbalanced service(s), \(report.conservationViolations.count) violation(s)"
            conservation += "\n      <failure type=\"ConservationViolation\" message=\"\(Escape.markup(message))\">"
            conservation += Escape.markup(detail.joined(separator: "\n")) + "</failure>\n    "
        }
        cases.append(conservation + "</testcase>")

        var completed = "    <testcase classname=\"\(cls)\" name=\"run completed\">"
        if !report.complete {
            failures += 1
            let message = "run incomplete: \(report.replications.filter(\.complete).count) of \(report.plannedReplications) replications finished"
                + (report.interruption.map { " (\($0))" } ?? "")
            completed += "\n      <failure type=\"Incomplete\" message=\"\(Escape.markup(message))\"/>\n    "
        }
        cases.append(completed + "</testcase>")

        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"loomsim\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\">\n"
        xml += "  <testsuite name=\"\(cls)\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\">\n"
        xml += "    <properties>\n"
        xml += "      <property name=\"seed\" value=\"\(report.seed)\"/>\n"
        xml += "      <property name=\"digest\" value=\"\(Escape.markup(report.digest))\"/>\n"
        xml += "      <property name=\"verdict\" value=\"\(report.verdict.rawValue)\"/>\n"
        if !report.rerunCommand.isEmpty {
            xml += "      <property name=\"rerun\" value=\"\(Escape.markup(report.rerunCommand))\"/>\n"
        }
        xml += "    </properties>\n"
        xml += cases.joined(separator: "\n") + "\n"
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }
}
