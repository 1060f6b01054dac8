@testable import LoomServices
import SimKernel
import XCTest

/// Node pools: kube-scheduler's resource fit with MostAllocated scoring, and cluster-autoscaler's
/// scale-up for unschedulable pods, scale-down of nodes left empty, and node loss.
final class NodePoolTests: XCTestCase {
    func makeContext(seed: UInt64 = 1) -> (SimulatedRuntime, PlatformContext) {
        let rt = SimulatedRuntime(seed: seed)
        return (rt, PlatformContext(runtime: rt))
    }

    /// Pods of 1 core and 1 GiB, up after 20 s + 10 s, $0.10 an hour each.
    func template() throws -> PodTemplate {
        PodTemplate(cpuRequestCores: 1, memoryRequestBytes: Double(1 << 30), startupLatency: try .constant(20),
                    readinessDelay: try .constant(10), costPerHour: 0.1)
    }

    /// Nodes of 4 cores / 16 GiB, ready 120 s after the autoscaler asks, at $0.40 an hour.
    func pool(_ ctx: PlatformContext, initial: Int, min: Int = 1, max: Int = 10) throws -> NodePool {
        let c = NodePool.Configuration(
            name: "general", region: "r", services: ["api"], cpuCores: 4, memoryBytes: 16 * Double(1 << 30),
            initialNodes: initial, minNodes: min, maxNodes: max, provisioningLatency: try .constant(120),
            scaleDownUnneededTime: .minutes(10), costPerNodeHour: 0.4)
        let pool = try NodePool(configuration: c, context: ctx)
        try ctx.nodePools.add(pool)
        return pool
    }

    func testPodsThatDoNotFitStayPendingUntilTheAutoscalerAddsANode() throws {
        let (rt, ctx) = makeContext()
        let pool = try pool(ctx, initial: 1)
        let d = Deployment(service: "api", region: "r", template: try template(), replicas: 4, context: ctx)
        XCTAssertIdentical(d.nodePool, pool)
        d.startWarm()
        XCTAssertEqual(d.servingCount, 4, "four 1-core pods fill the one 4-core node and start warm")
        d.scale(to: 6)
        XCTAssertEqual(pool.pendingCount, 2)
        XCTAssertEqual(d.pods.values.filter { $0.phase == .pending }.count, 2)
        // One new node fits both: requested at 0 s, ready at 120 s, pods ready 30 s later.
        try rt.run(until: try .seconds(119))
        XCTAssertEqual(pool.nodeCount, 1)
        XCTAssertEqual(d.servingCount, 4)
        try rt.run(until: try .seconds(121))
        XCTAssertEqual(pool.nodeCount, 2, "first-fit of the two pending pods needs one node, not two")
        XCTAssertEqual(pool.pendingCount, 0)
        try rt.run(until: try .seconds(151))
        XCTAssertEqual(d.servingCount, 6)
        let wait = try XCTUnwrap(ctx.metrics.snapshot().latency(named: "nodepool.scheduling_wait{pool=general}"))
        XCTAssertEqual(wait.max, 120, accuracy: 1, "the pending pods waited for the node")
    }

    func testTheAutoscalerStopsAtMaxNodesAndPodsStayPending() throws {
        let (rt, ctx) = makeContext()
        let pool = try pool(ctx, initial: 1, max: 2)
        let d = Deployment(service: "api", region: "r", template: try template(), replicas: 4, context: ctx)
        d.startWarm()
        d.scale(to: 11)
        try rt.run(until: try .seconds(5 * 60))
        XCTAssertEqual(pool.nodeCount, 2)
        XCTAssertEqual(pool.pendingCount, 3, "eleven 1-core pods, two 4-core nodes")
        XCTAssertEqual(d.servingCount, 8)
    }

    /// MostAllocated packs pods onto the fullest node, so a node left without pods is removed
    /// after the unneeded time and never below the minimum.
    func testBinPackingEmptiesNodesThatScaleDownRemovesAfterTheUnneededTime() throws {
        let (rt, ctx) = makeContext()
        let pool = try pool(ctx, initial: 3, min: 1)
        let d = Deployment(service: "api", region: "r", template: try template(), replicas: 3, context: ctx)
        d.startWarm()
        let perNode = pool.nodes.values.map(\.claims.count)
        XCTAssertEqual(perNode, [3, 0, 0], "MostAllocated packs the three pods onto one node")
        try rt.run(until: try .seconds(9 * 60))
        XCTAssertEqual(pool.nodeCount, 3)
        try rt.run(until: try .seconds(11 * 60))
        XCTAssertEqual(pool.nodeCount, 1, "the two empty nodes go after 10 minutes; the full one stays")
        d.scale(to: 0)
        try rt.run(until: try .seconds(30 * 60))
        XCTAssertEqual(pool.nodeCount, 1, "never below minNodes")
    }

    func testNodeLossEvictsPodsThatWaitForCapacityAndNodesReturnWhenTheFaultEnds() throws {
        let (rt, ctx) = makeContext()
        let pool = try pool(ctx, initial: 2, max: 2)
        let d = Deployment(service: "api", region: "r", template: try template(), replicas: 8, context: ctx)
        var lost: [String] = []
        d.onPodLost = { _, reason in lost.append(reason) }
        d.startWarm()
        XCTAssertEqual(d.servingCount, 8)
        ctx.faults.begin(ActiveFault(kind: .nodeLoss, target: "general", magnitude: 1))
        XCTAssertEqual(pool.nodeCount, 1)
        XCTAssertEqual(lost, Array(repeating: "node-loss", count: 4))
        XCTAssertEqual(d.servingCount, 4)
        XCTAssertEqual(d.pods.count, 8, "the ReplicaSet recreates the evicted pods")
        XCTAssertEqual(pool.pendingCount, 4, "with the lost node counted against maxNodes there is no room to scale up")
        try rt.run(until: try .seconds(5 * 60))
        XCTAssertEqual(d.servingCount, 4)
        ctx.faults.end(ActiveFault(kind: .nodeLoss, target: "general", magnitude: 1))
        XCTAssertEqual(pool.nodeCount, 2)
        XCTAssertEqual(pool.pendingCount, 0)
        try rt.run(until: try .seconds(6 * 60))
        XCTAssertEqual(d.servingCount, 8)
    }

    func testNodesAreBilledInsteadOfPods() throws {
        let (rt, ctx) = makeContext()
        _ = try pool(ctx, initial: 2, min: 2)
        let d = Deployment(service: "api", region: "r", template: try template(), replicas: 3, context: ctx)
        let elsewhere = Deployment(service: "web", region: "r", template: try template(), replicas: 3, context: ctx)
        XCTAssertNil(elsewhere.nodePool)
        d.startWarm()
        elsewhere.startWarm()
        try rt.run(until: try .seconds(3_600))
        for pool in ctx.nodePools.pools { pool.accrueCost(over: .hours(1)) }
        d.accrueCost(over: .hours(1))
        elsewhere.accrueCost(over: .hours(1))
        XCTAssertEqual(ctx.costs.byCategory["nodes.general"] ?? 0, 0.8, accuracy: 1e-9, "two nodes for an hour")
        XCTAssertNil(ctx.costs.byCategory["pods.api"], "pods on a pool are not billed again")
        XCTAssertEqual(ctx.costs.byCategory["pods.web"] ?? 0, 0.3, accuracy: 1e-9)
    }

    func testAServiceOnTwoPoolsOfOneRegionIsRejected() throws {
        let (_, ctx) = makeContext()
        _ = try pool(ctx, initial: 1)
        let other = try NodePool(configuration: .init(name: "second", region: "r", services: ["api"]), context: ctx)
        XCTAssertThrowsError(try ctx.nodePools.add(other))
        XCTAssertThrowsError(try NodePool(configuration: .init(name: "bad", region: "r", services: ["api"], initialNodes: 5,
                                                              minNodes: 1, maxNodes: 3), context: ctx))
    }
}
