/// Builds the initial state of a saga exactly as `SagaOrchestrator.start` does, without its
/// JSON round trip, for the in-memory persistence mode of `SagaCoordinator`.
///
/// Resilience creates a `SagaState` only inside `SagaOrchestrator.start` (its `started` factory
/// and initializer are internal), which saves the state as JSON; reading it back decodes JSON.
/// Both cost tens of microseconds per saga. The factory instead learns, once, how the initial
/// state depends on the saga id and the start instant: it starts two template sagas on a scratch
/// store at different instants, encodes both states as `CodableTree`s and compares them — every
/// differing leaf must be the id or an instant offset from the start. A new saga's state is then
/// the template tree with those leaves replaced, decoded through the tree decoder. A third
/// template is built both ways and must come out equal, actions included; if anything does not
/// fit (a future change of the state's fields), the factory falls back to the scratch
/// orchestrator for every saga — slower, never wrong.
final class SagaStateFactory {
    private enum PathComponent: Equatable {
        case key(String)
        case index(Int)
    }

    let steps: [SagaStepDefinition]
    let configuration: SagaConfiguration
    /// True when the tree path could not be established; every state then comes from `scratch`.
    private(set) var usesScratchOrchestrator = false
    private let scratch = SagaOrchestrator(store: InMemoryStateStore())
    private var template: CodableTree = .null
    private var idPaths: [[PathComponent]] = []
    private var timePaths: [(path: [PathComponent], offset: Int64)] = []
    /// The template's members that never change (step definitions, configuration), decoded once.
    private var memo: TreeDecoding.Memo?

    init(steps: [SagaStepDefinition], configuration: SagaConfiguration) throws {
        self.steps = steps
        self.configuration = configuration
        do {
            try learn()
        } catch {
            usesScratchOrchestrator = true
        }
    }

    /// The initial state of saga `id` started at `now`, and its first actions.
    func make(id: String, now: Instant) throws -> (SagaState, [SagaAction]) {
        if usesScratchOrchestrator { return try viaScratch(id: id, now: now) }
        var tree = template
        for path in idPaths { tree = Self.setting(.string(id), at: path[...], in: tree) }
        for (path, offset) in timePaths { tree = Self.setting(.int(now.nanoseconds + offset), at: path[...], in: tree) }
        let state = try TreeDecoding.decode(SagaState.self, from: tree, memo: memo)
        return (state, state.pendingActions())
    }

    private func viaScratch(id: String, now: Instant) throws -> (SagaState, [SagaAction]) {
        let actions = try scratch.start(sagaID: id, steps: steps, configuration: configuration, now: now)
        guard let state = try scratch.state(of: id) else { throw SagaError.unknownSaga(id) }
        try scratch.forget(sagaID: id)
        return (state, actions)
    }

    private func learn() throws {
        let (a, b) = (("saga-template-a", Instant(nanoseconds: 1_000_000_000)), ("saga-template-bb", Instant(nanoseconds: 5_000_000_000_000)))
        let treeA = try TreeEncoding.encode(viaScratch(id: a.0, now: a.1).0)
        let treeB = try TreeEncoding.encode(viaScratch(id: b.0, now: b.1).0)
        let shift = b.1.nanoseconds - a.1.nanoseconds
        try Self.diff(treeA, treeB, path: []) { path, left, right in
            switch (left, right) {
            case let (.string(x), .string(y)) where x == a.0 && y == b.0:
                idPaths.append(path)
            case let (.int(x), .int(y)) where y - x == shift:
                timePaths.append((path, x - a.1.nanoseconds))
            default:
                throw CodableTreeError(description: "saga state leaf at \(path) depends on more than the id and the start")
            }
        }
        template = treeA
        if case .object(let members) = treeA {
            var varying: Set<String> = []
            for path in idPaths + timePaths.map(\.path) { if case .key(let k)? = path.first { varying.insert(k) } }
            // Only containers are worth remembering; leaves decode as fast as a lookup.
            let constant = members.filter { key, value in
                guard !varying.contains(key) else { return false }
                switch value {
                case .array(let a): return !a.isEmpty
                case .object: return true
                default: return false
                }
            }
            memo = TreeDecoding.Memo(keys: Set(constant.keys))
        }
        // Check on a third saga that both ways agree, state and actions.
        let probe = ("saga-template-ccc", Instant(nanoseconds: 777_777_777_777))
        let expected = try viaScratch(id: probe.0, now: probe.1)
        let made = try make(id: probe.0, now: probe.1)
        guard made.0 == expected.0, made.1 == expected.1 else {
            throw CodableTreeError(description: "the tree-built saga state differs from the orchestrator's")
        }
    }

    private static func diff(_ a: CodableTree, _ b: CodableTree, path: [PathComponent],
                             _ found: ([PathComponent], CodableTree, CodableTree) throws -> Void) throws {
        switch (a, b) {
        case let (.object(x), .object(y)):
            guard x.count == y.count else { throw CodableTreeError(description: "saga state shape differs at \(path)") }
            for key in x.keys.sorted() {
                guard let left = x[key], let right = y[key] else { throw CodableTreeError(description: "saga state shape differs at \(path)") }
                try diff(left, right, path: path + [.key(key)], found)
            }
        case let (.array(x), .array(y)):
            guard x.count == y.count else { throw CodableTreeError(description: "saga state shape differs at \(path)") }
            for i in x.indices { try diff(x[i], y[i], path: path + [.index(i)], found) }
        default:
            if a != b { try found(path, a, b) }
        }
    }

    private static func setting(_ value: CodableTree, at path: ArraySlice<PathComponent>, in tree: CodableTree) -> CodableTree {
        guard let first = path.first else { return value }
        switch (first, tree) {
        case let (.key(k), .object(object)):
            var object = object
            object[k] = setting(value, at: path.dropFirst(), in: object[k] ?? .null)
            return .object(object)
        case let (.index(i), .array(array)) where array.indices.contains(i):
            var array = array
            array[i] = setting(value, at: path.dropFirst(), in: array[i])
            return .array(array)
        default:
            return tree
        }
    }
}
