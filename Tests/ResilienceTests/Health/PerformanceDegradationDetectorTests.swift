import OrderedCollections
import Resilience
import XCTest

private func seconds(_ s: Int64) -> Instant { Instant.zero + .wholeSeconds(s) }

final class PerformanceDegradationDetectorTests: XCTestCase {
    private let baseline: OrderedDictionary<PerformanceMetric, Double> = [
        .responseTime: 100, .errorRate: 0.01, .cpuUsage: 50, .throughput: 1_000, .successRate: 99,
    ]

    func testChangesBeyondWarningAndCriticalLimitsInTheBadDirection() throws {
        var d = try PerformanceDegradationDetector()
        d.setBaseline(baseline, for: "streaming")
        let analysis = d.analyze(
            service: "streaming",
            metrics: [.responseTime: 130, .errorRate: 0.02, .cpuUsage: 60, .throughput: 700, .successRate: 120],
            now: .zero)
        XCTAssertTrue(analysis.hadBaseline)
        XCTAssertEqual(analysis.degradations.map(\.metric), [.responseTime, .errorRate, .throughput])
        XCTAssertEqual(analysis.degradations.map(\.severity), [.warning, .critical, .warning])
        XCTAssertEqual(analysis.degradations[0].changePercent, 30, accuracy: 1e-9)
        XCTAssertEqual(analysis.degradations[2].changePercent, -30, accuracy: 1e-9)
    }

    func testLimitsAreStrict() throws {
        var d = try PerformanceDegradationDetector()
        d.setBaseline(baseline, for: "s")
        XCTAssertTrue(d.analyze(service: "s", metrics: [.responseTime: 120, .throughput: 800], now: .zero).degradations.isEmpty)
        XCTAssertEqual(d.analyze(service: "s", metrics: [.responseTime: 150], now: .zero).degradations.first?.severity, .warning)
    }

    func testRemediationPlansFollowTheSeedsTable() throws {
        var d = try PerformanceDegradationDetector()
        d.setBaseline(baseline, for: "ai")
        let analysis = d.analyze(service: "ai", metrics: [.errorRate: 0.05, .cpuUsage: 90, .throughput: 100], now: .zero)
        XCTAssertEqual(
            analysis.remediations,
            [
                RemediationPlan(
                    service: "ai", metric: .errorRate,
                    candidates: [.restartUnhealthyInstances, .enableCircuitBreaker, .fallbackToBackupService]),
                RemediationPlan(service: "ai", metric: .cpuUsage, candidates: [.scaleUpInstances, .enableCPUThrottling, .optimizeAlgorithms]),
            ], "the seed has no 'high_throughput' entry, so a throughput drop only alerts")
        XCTAssertEqual(analysis.degradations.count, 3)
    }

    func testRemediationCanBeDisabled() throws {
        var d = try PerformanceDegradationDetector(autoRemediationEnabled: false)
        d.setBaseline(baseline, for: "s")
        let analysis = d.analyze(service: "s", metrics: [.responseTime: 500], now: .zero)
        XCTAssertEqual(analysis.degradations.count, 1)
        XCTAssertTrue(analysis.remediations.isEmpty)
    }

    func testNoBaselineMeansNoAnalysisAndAZeroBaselineMeansNoChange() throws {
        var d = try PerformanceDegradationDetector()
        XCTAssertFalse(d.analyze(service: "new", metrics: [.responseTime: 1e9], now: .zero).hadBaseline)
        d.setBaseline([.errorRate: 0], for: "s")
        XCTAssertTrue(d.analyze(service: "s", metrics: [.errorRate: 0.5], now: .zero).degradations.isEmpty)
    }

    func testPerMetricThresholds() throws {
        var d = try PerformanceDegradationDetector(thresholds: [.responseTime: .init(warningPercent: 5, criticalPercent: 10)])
        d.setBaseline(baseline, for: "s")
        XCTAssertEqual(d.analyze(service: "s", metrics: [.responseTime: 111], now: .zero).degradations.first?.severity, .critical)
    }

    func testTrailingMeanBaselineNeedsEnoughRecentSamples() throws {
        var d = try PerformanceDegradationDetector(baselineSource: .trailingMean(window: .wholeSeconds(60), minimumSamples: 3))
        for (t, v) in [(0, 90.0), (10, 100.0), (20, 110.0)] {
            XCTAssertFalse(d.analyze(service: "s", metrics: [.responseTime: v], now: seconds(Int64(t))).hadBaseline)
        }
        let analysis = d.analyze(service: "s", metrics: [.responseTime: 160], now: seconds(30))
        XCTAssertEqual(analysis.degradations.first?.baselineValue, 100)
        XCTAssertEqual(analysis.degradations.first?.severity, .critical)
        // Samples older than the window fall out of the baseline.
        XCTAssertNil(d.baseline(for: "s", now: seconds(200)))
    }

    func testInvalidConfigurationThrows() {
        XCTAssertThrowsError(try PerformanceDegradationDetector(thresholds: [.cpuUsage: .init(warningPercent: 60, criticalPercent: 50)])) {
            XCTAssertEqual(
                $0 as? PerformanceDegradationDetectorError,
                .invalidThreshold(metric: .cpuUsage, .init(warningPercent: 60, criticalPercent: 50)))
        }
        XCTAssertThrowsError(try PerformanceDegradationDetector(baselineSource: .trailingMean(window: .zero, minimumSamples: 1)))
    }
}
