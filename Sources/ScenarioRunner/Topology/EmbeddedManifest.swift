import LoomServices
import ScenarioKit

/// A Kubernetes HorizontalPodAutoscaler embedded in a scenario, pasted verbatim either as a
/// block string (`hpa: |` followed by the manifest) or as a YAML mapping under the key.
enum EmbeddedManifest {
    /// The manifest's YAML text, or nil (with a diagnostic) when the node is neither form.
    static func text(of reader: NodeReader) -> String? {
        if let scalar = reader.node.scalar { return scalar.text }
        guard reader.node.entries != nil else {
            reader.error("a HorizontalPodAutoscaler must be a mapping or a block string", expected: "a pasted autoscaling/v2 manifest")
            return nil
        }
        return flow(reader.node)
    }

    /// Reads and validates the manifest as the API server would; errors point at the key.
    static func manifest(_ reader: NodeReader) -> HPAManifest? {
        guard let yaml = text(of: reader) else { return nil }
        do {
            return try HPAManifest(yaml: yaml)
        } catch {
            reader.error("invalid HorizontalPodAutoscaler: \(error)", expected: "an autoscaling/v2 manifest like seed §1.2.1")
            return nil
        }
    }

    /// The node in YAML flow style (valid YAML for any mapping/sequence/scalar tree).
    static func flow(_ node: ScenarioNode) -> String {
        if let entries = node.entries {
            return "{" + entries.map { "\(quote($0.key, force: false)): \(flow($0.value))" }.joined(separator: ", ") + "}"
        }
        if let elements = node.elements { return "[" + elements.map(flow).joined(separator: ", ") + "]" }
        guard let scalar = node.scalar else { return "null" }
        return quote(scalar.text, force: scalar.isQuoted)
    }

    static func quote(_ text: String, force: Bool) -> String {
        let plain = !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || "._-/".contains($0) }
        if plain && !force { return text }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
