import Resilience
import XCTest

/// Reading real `autoscaling/v2` manifests: the seed's §1.2.1 HPA, API defaults, precise errors.
final class HPAManifestTests: XCTestCase {
    /// Seed §1.2.1, verbatim (the copy Resilience ships).
    static let seedManifest = HPAManifest.seedRecordingServiceYAML

    func testSeedManifestReadsUnchanged() throws {
        let manifest = try HPAManifest(yaml: Self.seedManifest)
        XCTAssertEqual(manifest.apiVersion, "autoscaling/v2")
        XCTAssertEqual(manifest.kind, "HorizontalPodAutoscaler")
        XCTAssertEqual(manifest.metadata.name, "recording-service-hpa")
        let spec = manifest.spec
        XCTAssertEqual(spec.scaleTargetRef, CrossVersionObjectReference(kind: "Deployment", name: "recording-service", apiVersion: "apps/v1"))
        XCTAssertEqual(spec.minReplicas, 10)
        XCTAssertEqual(spec.maxReplicas, 100)
        XCTAssertEqual(spec.metrics, [
            .resource(ResourceMetricSource(name: "cpu", target: .utilization(60))),
            .resource(ResourceMetricSource(name: "memory", target: .utilization(70))),
            .pods(PodsMetricSource(metric: MetricIdentifier(name: "active_recording_sessions"), target: .averageValue(try Quantity("100")))),
        ])
        XCTAssertEqual(spec.metrics[2].target?.averageValue?.milliValue, 100_000)
        XCTAssertEqual(spec.behavior?.scaleUp, HPAScalingRules(stabilizationWindowSeconds: 60, policies: [
            HPAScalingPolicy(type: .percent, value: 50, periodSeconds: 60)]))
        XCTAssertEqual(spec.behavior?.scaleDown?.policies, [HPAScalingPolicy(type: .percent, value: 10, periodSeconds: 60)])
        XCTAssertNil(spec.behavior?.scaleUp?.selectPolicy, "the manifest is kept as written; defaults come later")
    }

    func testAPIDefaultsAreAppliedByTheAutoscaler() throws {
        let hpa = HorizontalPodAutoscaler(manifest: try HPAManifest(yaml: Self.seedManifest))
        let behavior = try XCTUnwrap(hpa.resolvedBehavior)
        XCTAssertEqual(behavior.scaleUp.selectPolicy, .max)
        XCTAssertEqual(behavior.scaleUp.stabilizationWindow, .wholeSeconds(60))
        XCTAssertEqual(behavior.scaleDown.stabilizationWindow, .wholeSeconds(300))
        XCTAssertEqual(behavior.scaleDown.policies, [HPAScalingPolicy(type: .percent, value: 10, periodSeconds: 60)])

        let bare = try HorizontalPodAutoscalerSpec.decodeForTest("""
            scaleTargetRef: {kind: Deployment, name: web}
            maxReplicas: 5
            behavior:
              scaleDown:
                selectPolicy: Disabled
            """)
        let defaulted = bare.withDefaults()
        XCTAssertEqual(defaulted.minReplicas, 1)
        XCTAssertEqual(defaulted.metrics, [.resource(ResourceMetricSource(name: "cpu", target: .utilization(80)))])
        XCTAssertEqual(defaulted.behavior?.scaleUp?.policies, [HPAScalingPolicy(type: .pods, value: 4, periodSeconds: 15),
                                                               HPAScalingPolicy(type: .percent, value: 100, periodSeconds: 15)])
        XCTAssertEqual(defaulted.behavior?.scaleUp?.stabilizationWindowSeconds, 0)
        XCTAssertEqual(defaulted.behavior?.scaleDown?.selectPolicy, .disabled)
        XCTAssertEqual(defaulted.behavior?.scaleDown?.policies, [HPAScalingPolicy(type: .percent, value: 100, periodSeconds: 15)])
        XCTAssertNil(defaulted.behavior?.scaleDown?.stabilizationWindowSeconds, "the controller flag fills it")
        let resolved = ResolvedBehavior(try XCTUnwrap(bare.behavior), downscaleStabilizationWindow: .minutes(5))
        XCTAssertEqual(resolved.scaleDown.stabilizationWindow, .wholeSeconds(300))
    }

    func testQuantitiesParseAsKubernetesDoes() throws {
        let spec = try HorizontalPodAutoscalerSpec.decodeForTest("""
            scaleTargetRef: {kind: Deployment, name: web}
            maxReplicas: 5
            metrics:
            - type: Resource
              resource: {name: memory, target: {type: AverageValue, averageValue: 2Gi}}
            - type: External
              external: {metric: {name: q, selector: {matchLabels: {queue: jobs}}}, target: {type: Value, value: 500m}}
            - type: Object
              object:
                describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main}
                metric: {name: rps}
                target: {type: AverageValue, averageValue: 100}
            behavior:
              scaleUp: {tolerance: 0.05}
            """)
        XCTAssertEqual(spec.metrics[0].target?.averageValue?.milliValue, 2_147_483_648_000)
        XCTAssertEqual(spec.metrics[1].target?.value?.milliValue, 500)
        XCTAssertEqual(spec.metrics[2].target?.averageValue?.milliValue, 100_000)
        XCTAssertEqual(spec.behavior?.scaleUp?.tolerance?.approximateValue, 0.05)
        guard case .external(let external) = spec.metrics[1] else { return XCTFail("expected an External metric") }
        XCTAssertEqual(external.metric.selector?.matchLabels, ["queue": "jobs"])
    }

    private func error(in yaml: String, file: StaticString = #filePath, line: UInt = #line) -> HPAManifestError? {
        do {
            _ = try HPAManifest(yaml: yaml)
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    private func seed(replacing old: String, with new: String) -> String {
        Self.seedManifest.replacingOccurrences(of: old, with: new)
    }

    func testBadManifestErrorsNamePathProblemExpectationAndPosition() throws {
        let zeroMax = try XCTUnwrap(error(in: seed(replacing: "maxReplicas: 100", with: "maxReplicas: 0")))
        XCTAssertEqual(zeroMax.path, "spec.maxReplicas")
        XCTAssertEqual(zeroMax.problem, "is 0")
        XCTAssertEqual(zeroMax.expected, "an integer >= 1")
        XCTAssertEqual(zeroMax.line, 12)
        XCTAssertEqual(zeroMax.column, 16)
        XCTAssertEqual(zeroMax.description, "12:16: spec.maxReplicas: is 0; expected an integer >= 1")

        let quoted = try XCTUnwrap(error(in: seed(replacing: "averageUtilization: 60", with: "averageUtilization: \"60\"")))
        XCTAssertEqual(quoted.path, "spec.metrics[0].resource.target.averageUtilization")
        XCTAssertEqual(quoted.line, 19)
        XCTAssertTrue(quoted.expected.contains("unquoted"), quoted.description)

        let badQuantity = try XCTUnwrap(error(in: seed(replacing: "averageValue: \"100\"", with: "averageValue: 10Kb")))
        XCTAssertEqual(badQuantity.path, "spec.metrics[2].pods.target.averageValue")
        XCTAssertEqual(badQuantity.line, 32)
        XCTAssertTrue(badQuantity.problem.contains("10Kb"), badQuantity.description)

        let typo = try XCTUnwrap(error(in: seed(replacing: "minReplicas: 10", with: "minReplica: 10")))
        XCTAssertEqual(typo.path, "spec.minReplica")
        XCTAssertEqual(typo.problem, "unknown field \"minReplica\"")
        XCTAssertEqual(typo.line, 11)

        let missing = try XCTUnwrap(error(in: seed(replacing: "  maxReplicas: 100\n", with: "")))
        XCTAssertEqual(missing.path, "spec.maxReplicas")
        XCTAssertEqual(missing.problem, "missing")

        let badType = try XCTUnwrap(error(in: seed(replacing: "- type: Pods", with: "- type: CheddarCheese")))
        XCTAssertEqual(badType.path, "spec.metrics[2].type")
        XCTAssertTrue(badType.expected.contains("ContainerResource"), badType.description)

        let window = try XCTUnwrap(error(in: seed(replacing: "stabilizationWindowSeconds: 300", with: "stabilizationWindowSeconds: 4000")))
        XCTAssertEqual(window.path, "spec.behavior.scaleDown.stabilizationWindowSeconds")
        XCTAssertEqual(window.expected, "an integer from 0 to 3600 (seconds)")

        let period = try XCTUnwrap(error(in: seed(replacing: "        periodSeconds: 60\n    scaleDown",
                                                   with: "        periodSeconds: 0\n    scaleDown")))
        XCTAssertEqual(period.path, "spec.behavior.scaleUp.policies[0].periodSeconds")

        let select = try XCTUnwrap(error(in: seed(replacing: "    scaleUp:\n", with: "    scaleUp:\n      selectPolicy: Maximum\n")))
        XCTAssertEqual(select.path, "spec.behavior.scaleUp.selectPolicy")
        XCTAssertEqual(select.expected, "Max, Min or Disabled")

        let minAboveMax = try XCTUnwrap(error(in: seed(replacing: "minReplicas: 10", with: "minReplicas: 200")))
        XCTAssertEqual(minAboveMax.path, "spec.maxReplicas")
        XCTAssertEqual(minAboveMax.expected, "maxReplicas >= minReplicas")

        let valueOnResource = try XCTUnwrap(error(in: seed(replacing: "type: Utilization\n        averageUtilization: 70",
                                                            with: "type: Value\n        value: 70")))
        XCTAssertEqual(valueOnResource.path, "spec.metrics[1].resource.target.type")
        XCTAssertEqual(valueOnResource.expected, "Utilization or AverageValue")

        let version = try XCTUnwrap(error(in: seed(replacing: "autoscaling/v2", with: "autoscaling/v1")))
        XCTAssertEqual(version.path, "apiVersion")
        XCTAssertEqual(version.line, 2)

        let syntax = try XCTUnwrap(error(in: "apiVersion: autoscaling/v2\nkind: [HorizontalPodAutoscaler\n"))
        XCTAssertNotNil(syntax.line, syntax.description)
        XCTAssertTrue(syntax.problem.hasPrefix("invalid YAML"), syntax.description)
    }

    func testUnvalidatedDecodingKeepsWhatTheControllerWouldSee() throws {
        let spec = try HPAManifest.decodeSpec(yaml: """
            {"metrics": [{"type": "CheddarCheese"}, {"type": "Resource", "resource": {"name": "cpu", "target": {}}}], "extra": 1}
            """, validating: false)
        XCTAssertEqual(spec.metrics, [.unrecognized(type: "CheddarCheese"), .resource(ResourceMetricSource(name: "cpu", target: MetricTarget()))])
        XCTAssertEqual(spec.maxReplicas, 0)
    }
}

extension HorizontalPodAutoscalerSpec {
    /// A validated spec from the YAML of a manifest's `spec:` value.
    static func decodeForTest(_ yaml: String) throws -> HorizontalPodAutoscalerSpec {
        try HPAManifest.decodeSpec(yaml: yaml)
    }
}
