extension ValueKind where Value: RawRepresentable & CaseIterable & Sendable, Value.RawValue == String {
    /// One case of a string enumeration by raw value, also accepting the older spellings in
    /// `aliases` so that files written before a spelling was settled still load. Only the raw
    /// values appear in "expected one of ..." and in "did you mean" hints: the aliases are
    /// accepted, never advertised (policy variants spell the seed-as-written one `asWritten`;
    /// a few keys first took `as-written`: see "Policy variants" in Scenarios/README.md).
    public static func choice(_ type: Value.Type, aliases: [String: Value]) -> ValueKind {
        let canonical = ValueKind.choice(type)
        return ValueKind(expected: canonical.expected) { reader in
            if let scalar = reader.node.scalar, !scalar.isNull, let value = aliases[scalar.text] { return value }
            return canonical.read(reader)
        }
    }
}
