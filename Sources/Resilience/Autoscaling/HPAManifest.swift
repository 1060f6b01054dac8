import Yams

/// A `HorizontalPodAutoscaler` manifest (apiVersion `autoscaling/v2`) read from YAML unchanged, as
/// in seed §1.2.1 (recording-service-hpa): `apiVersion`, `kind`, `metadata`, `spec`
/// (`scaleTargetRef`, `minReplicas`, `maxReplicas`, `metrics`, `behavior`); `status` is ignored.
///
/// `init(yaml:)` decodes with Yams and validates as the API server would
/// (`pkg/apis/autoscaling/validation`: bounds on replicas, target types per metric source,
/// positive targets, windows 0…3600 s, periods 1…1800 s, at least one policy, tolerance ≥ 0),
/// rejecting unknown fields. Errors name the key path, what is wrong, what is expected and the
/// line:column of the offending node. The spec is kept as written; `HorizontalPodAutoscaler`
/// applies the API defaults.
public struct HPAManifest: Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var metadata: HPAObjectMeta
    public var spec: HorizontalPodAutoscalerSpec

    public init(apiVersion: String = "autoscaling/v2", kind: String = "HorizontalPodAutoscaler",
                metadata: HPAObjectMeta, spec: HorizontalPodAutoscalerSpec) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
    }

    /// Decodes and validates one YAML document holding an HPA manifest.
    public init(yaml: String) throws(HPAManifestError) {
        let root = try Self.compose(yaml)
        let fields = try root.fields(allowed: ["apiVersion", "kind", "metadata", "spec", "status"], strict: true)
        let apiVersion = try fields.required("apiVersion", expected: "autoscaling/v2")
        guard try apiVersion.string() == "autoscaling/v2" else {
            throw apiVersion.error("found \(apiVersion.found)", expected: "autoscaling/v2")
        }
        let kind = try fields.required("kind", expected: "HorizontalPodAutoscaler")
        guard try kind.string() == "HorizontalPodAutoscaler" else {
            throw kind.error("found \(kind.found)", expected: "HorizontalPodAutoscaler")
        }
        let metadata = try HPAObjectMeta(fields.required("metadata", expected: "a mapping with a name"))
        let spec = try HPASpecDecoder(strict: true).spec(fields.required("spec", expected: "the HPA spec"))
        self.init(metadata: metadata, spec: spec)
    }

    /// Decodes a bare `HorizontalPodAutoscalerSpec` (the value of a manifest's `spec:`; JSON is YAML).
    /// With `validating: false` the spec is only decoded, as the controller would receive an object
    /// that skipped validation: unknown fields are ignored, unknown metric types become
    /// `MetricSpec.unrecognized`, a missing `maxReplicas` reads as 0 and targets are not checked.
    public static func decodeSpec(yaml: String, validating: Bool = true) throws(HPAManifestError) -> HorizontalPodAutoscalerSpec {
        var root = try compose(yaml)
        root = YAMLCursor(node: root.node, path: "spec")
        return try HPASpecDecoder(strict: validating).spec(root)
    }

    static func compose(_ yaml: String) throws(HPAManifestError) -> YAMLCursor {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw HPAManifestError(yamlError: error)
        } catch {
            throw HPAManifestError(path: "", problem: "the YAML could not be read: \(error)", expected: "a YAML document")
        }
        guard let node else { throw HPAManifestError(path: "", problem: "the document is empty", expected: "a mapping") }
        return YAMLCursor(node: node, path: "")
    }
}

/// The `metadata` fields loomsim reads (`metav1.ObjectMeta`); other metadata fields are accepted
/// and ignored.
public struct HPAObjectMeta: Sendable, Hashable {
    public var name: String
    public var namespace: String?
    public var labels: [String: String]
    public var annotations: [String: String]

    public init(name: String, namespace: String? = nil, labels: [String: String] = [:],
                annotations: [String: String] = [:]) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
    }

    init(_ cursor: YAMLCursor) throws(HPAManifestError) {
        let known: Set<String> = ["name", "namespace", "labels", "annotations"]
        var all: Set<String> = known
        for (key, _) in try cursor.mapping() { all.insert(key) }
        let fields = try cursor.fields(allowed: all, strict: false)
        let name = try fields.required("name", expected: "a non-empty name")
        self.name = try name.string()
        guard !self.name.isEmpty else { throw name.error("found an empty name", expected: "a non-empty name") }
        namespace = try fields["namespace"]?.string()
        labels = try fields["labels"]?.stringMap() ?? [:]
        annotations = try fields["annotations"]?.stringMap() ?? [:]
    }
}

/// A manifest that cannot be read: where (key path and line:column from the Yams node mark), what is
/// wrong and what is expected, in the spirit of the API server's `field.Error` (`spec.maxReplicas: Invalid value`).
public struct HPAManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The key path, e.g. `spec.metrics[1].resource.target.averageUtilization` (empty for the document).
    public var path: String
    public var problem: String
    public var expected: String
    /// 1-based line and column of the offending node, when known.
    public var line: Int?
    public var column: Int?

    public init(path: String, problem: String, expected: String, line: Int? = nil, column: Int? = nil) {
        self.path = path
        self.problem = problem
        self.expected = expected
        self.line = line
        self.column = column
    }

    init(yamlError: YamlError) {
        var line: Int?
        var column: Int?
        var problem = "\(yamlError)"
        switch yamlError {
        case let .scanner(_, p, mark, _), let .parser(_, p, mark, _), let .composer(_, p, mark, _):
            (line, column, problem) = (mark.line, mark.column, p)
        case let .duplicatedKeysInMapping(duplicates, context):
            (line, column) = (context.mark.line, context.mark.column)
            problem = "duplicate keys \(duplicates.joined(separator: ", "))"
        default: break
        }
        self.init(path: "", problem: "invalid YAML: \(problem)", expected: "a well-formed YAML document",
                  line: line, column: column)
    }

    public var description: String {
        var out = ""
        if let line { out += column.map { "\(line):\($0): " } ?? "\(line): " }
        out += path.isEmpty ? "" : "\(path): "
        return out + "\(problem); expected \(expected)"
    }
}
