import Resilience
import XCTest

private func sample(cpu: Double = 10, memory: Double = 10, dbMilliseconds: Int64 = 10) -> SystemHealthSample {
    SystemHealthSample(cpuPercent: cpu, memoryPercent: memory, databaseLatency: .milliseconds(dbMilliseconds))
}

private let full = RecordingSettings(qualityLines: 1080, enableAI: true, enableRealTimeTranscription: true)

final class GracefulDegradationTests: XCTestCase {
    func testLevelsUseTheSeedsStrictLimitsAnyMetricSuffices() throws {
        let policy = try GracefulDegradationPolicy()
        XCTAssertEqual(policy.level(for: sample(cpu: 70, memory: 70, dbMilliseconds: 200)), .fullService)
        XCTAssertEqual(policy.level(for: sample(cpu: 70.1)), .reducedFeatures)
        XCTAssertEqual(policy.level(for: sample(memory: 80.5)), .coreOnly)
        XCTAssertEqual(policy.level(for: sample(dbMilliseconds: 501)), .coreOnly)
        XCTAssertEqual(policy.level(for: sample(dbMilliseconds: 1_001)), .emergencyMode)
        XCTAssertEqual(policy.level(for: sample(cpu: 75, memory: 95, dbMilliseconds: 0)), .emergencyMode)
    }

    func testMilderLevelsShedFeaturesAsTheSeedDoes() throws {
        let policy = try GracefulDegradationPolicy()
        XCTAssertEqual(policy.admit(.camera, settings: full, at: .fullService), .accepted(full))
        XCTAssertEqual(
            policy.admit(.camera, settings: full, at: .reducedFeatures),
            .accepted(RecordingSettings(qualityLines: 1080, enableAI: true, enableRealTimeTranscription: false)))
        XCTAssertEqual(
            policy.admit(.camera, settings: full, at: .coreOnly),
            .accepted(RecordingSettings(qualityLines: 1080, enableAI: false, enableRealTimeTranscription: false)))
    }

    func testEmergencyModeOnlyAcceptsScreenRecordings() throws {
        for variant in DegradationFeatureVariant.allCases {
            let policy = try GracefulDegradationPolicy(variant: variant)
            XCTAssertEqual(
                policy.admit(.screenAndCamera, settings: full, at: .emergencyMode),
                .rejected(reason: "service degraded: only screen recording available"))
        }
    }

    func testIntendedEmergencyModeShedsEverythingCoreOnlyShedsAsWrittenKeepsTranscription() throws {
        let intended = try GracefulDegradationPolicy(variant: .intended)
        let asWritten = try GracefulDegradationPolicy(variant: .asWritten)
        XCTAssertEqual(
            intended.admit(.screen, settings: full, at: .emergencyMode),
            .accepted(RecordingSettings(qualityLines: 480, enableAI: false, enableRealTimeTranscription: false)))
        XCTAssertEqual(
            asWritten.admit(.screen, settings: full, at: .emergencyMode),
            .accepted(RecordingSettings(qualityLines: 480, enableAI: false, enableRealTimeTranscription: true)))
    }

    func testIntendedEmergencyQualityIsACapAsWrittenRaisesLowQuality() throws {
        let low = RecordingSettings(qualityLines: 360, enableAI: false, enableRealTimeTranscription: false)
        XCTAssertEqual(
            try GracefulDegradationPolicy(variant: .intended).admit(.screen, settings: low, at: .emergencyMode), .accepted(low))
        XCTAssertEqual(
            try GracefulDegradationPolicy(variant: .asWritten).admit(.screen, settings: low, at: .emergencyMode),
            .accepted(RecordingSettings(qualityLines: 480, enableAI: false, enableRealTimeTranscription: false)))
    }

    func testLimitsThatCouldNeverBeReachedAreRejected() {
        XCTAssertThrowsError(
            try GracefulDegradationPolicy(
                coreOnly: .init(cpuPercent: 60, memoryPercent: 80, databaseLatency: .milliseconds(500)))
        ) { XCTAssertEqual($0 as? GracefulDegradationError, .triggersNotIncreasing(level: .coreOnly)) }
    }
}
