import Resilience
import XCTest

private func load(cpu: Double = 10, memory: Double = 10, gpu: Double = 10) -> SystemLoad {
    SystemLoad(cpuPercent: cpu, memoryPercent: memory, gpuPercent: gpu)
}

final class AdaptiveProcessingStrategyTests: XCTestCase {
    func testHighPriorityJobsAlwaysGetOptimalProcessing() throws {
        for order in StrategyCheckOrder.allCases {
            let policy = try AdaptiveProcessingPolicy(checkOrder: order)
            XCTAssertEqual(policy.strategy(for: .high, load: load(cpu: 99, memory: 99, gpu: 99)), .optimal)
        }
    }

    func testAt97PercentLoadIntendedDefersLowPriorityJobsAsWrittenNeverDoes() throws {
        let intended = try AdaptiveProcessingPolicy(checkOrder: .intended)
        let asWritten = try AdaptiveProcessingPolicy(checkOrder: .asWritten)
        let extreme = load(cpu: 97)
        XCTAssertEqual(intended.strategy(for: .low, load: extreme), .deferred)
        XCTAssertEqual(intended.strategy(for: .batch, load: extreme), .deferred)
        XCTAssertEqual(asWritten.strategy(for: .low, load: extreme), .fast)
        XCTAssertEqual(asWritten.strategy(for: .batch, load: extreme), .fast)
        // Normal-priority work is not deferred by either: it is encoded fast.
        XCTAssertEqual(intended.strategy(for: .normal, load: extreme), .fast)
        XCTAssertEqual(asWritten.strategy(for: .normal, load: extreme), .fast)
        XCTAssertEqual(intended.strategy(for: .low, load: load(memory: 96)), .deferred)
    }

    func testAsWrittenStrategyDeferredIsUnreachable() throws {
        let asWritten = try AdaptiveProcessingPolicy(checkOrder: .asWritten)
        let levels: [Double] = [0, 50, 80, 80.1, 85.1, 90.1, 95, 95.1, 97, 100]
        for priority in JobPriority.allCases {
            for cpu in levels {
                for memory in levels {
                    for gpu in levels {
                        XCTAssertNotEqual(asWritten.strategy(for: priority, load: load(cpu: cpu, memory: memory, gpu: gpu)), .deferred)
                    }
                }
            }
        }
    }

    func testHighLoadSelectsFastAndNormalLoadBalanced() throws {
        let policy = try AdaptiveProcessingPolicy()
        XCTAssertEqual(policy.strategy(for: .normal, load: load(cpu: 80)), .balanced, "limits are strict")
        XCTAssertEqual(policy.strategy(for: .normal, load: load(cpu: 81)), .fast)
        XCTAssertEqual(policy.strategy(for: .low, load: load(memory: 86)), .fast)
        XCTAssertEqual(policy.strategy(for: .low, load: load(gpu: 99)), .fast, "GPU load alone never defers")
        XCTAssertEqual(policy.strategy(for: .low, load: load()), .balanced)
    }

    func testSettingsFollowTheSeed() {
        let fast = AdaptiveProcessingPolicy.settings(for: .fast, cpuCount: 16)
        XCTAssertEqual(fast?.videoCodec, "h264_nvenc")
        XCTAssertEqual(fast?.preset, "ultrafast")
        XCTAssertEqual(fast?.crf, 28)
        XCTAssertEqual(fast?.maxResolutionLines, 720)
        XCTAssertEqual(fast?.skipAI, true)
        XCTAssertEqual(fast?.threads, 8)
        XCTAssertEqual(AdaptiveProcessingPolicy.settings(for: .fast, cpuCount: 1)?.threads, 1)
        let balanced = AdaptiveProcessingPolicy.settings(for: .balanced, cpuCount: 16)
        XCTAssertEqual(balanced?.preset, "medium")
        XCTAssertEqual(balanced?.crf, 23)
        XCTAssertEqual(balanced?.maxResolutionLines, 1080)
        XCTAssertEqual(balanced?.threads, 16)
        XCTAssertNil(AdaptiveProcessingPolicy.settings(for: .deferred, cpuCount: 16))
    }

    func testExtremeLimitsBelowHighLimitsAreRejected() {
        XCTAssertThrowsError(try AdaptiveProcessingPolicy(extremeCPUPercent: 70)) {
            XCTAssertEqual($0 as? AdaptiveProcessingError, .extremeBelowHigh(metric: "CPU"))
        }
    }
}
