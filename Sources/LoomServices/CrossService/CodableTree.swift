/// A Codable value as a plain tree, with an encoder into it and a decoder out of it.
///
/// Used by `SagaStateFactory` to build a saga's initial `SagaState` without JSON: Foundation's
/// JSON coders cost tens of microseconds per saga state, which at the seed's scale (over
/// 100,000 recording sagas in a peak hour) would dominate a run. Only what synthesized `Codable`
/// conformances of plain structs and raw-value enums need is supported.
indirect enum CodableTree: Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([CodableTree])
    case object([String: CodableTree])
}

/// Something the tree coders cannot represent or find.
struct CodableTreeError: Error, CustomStringConvertible {
    var description: String
}

// MARK: Encoding

/// Encodes an `Encodable` into a `CodableTree`.
enum TreeEncoding {
    static func encode<T: Encodable>(_ value: T) throws -> CodableTree {
        let node = Node()
        try value.encode(to: Encoder(node: node))
        return node.tree
    }

    /// One value under construction; containers fill it in place.
    final class Node {
        var leaf: CodableTree?
        var array: [Node]?
        var object: [String: Node]?

        var tree: CodableTree {
            if let object { return .object(object.mapValues(\.tree)) }
            if let array { return .array(array.map(\.tree)) }
            return leaf ?? .null
        }
    }

    static func leaf<T: Encodable>(_ value: T) throws -> CodableTree? {
        switch value {
        case let v as String: return .string(v)
        case let v as Bool: return .bool(v)
        case let v as Int: return .int(Int64(v))
        case let v as Int64: return .int(v)
        case let v as Int32: return .int(Int64(v))
        case let v as UInt64:
            guard let i = Int64(exactly: v) else { throw CodableTreeError(description: "\(v) does not fit an Int64") }
            return .int(i)
        case let v as UInt32: return .int(Int64(v))
        case let v as Double: return .double(v)
        case let v as Float: return .double(Double(v))
        default: return nil
        }
    }

    static func encode<T: Encodable>(_ value: T, into node: Node) throws {
        if let leaf = try leaf(value) { node.leaf = leaf } else { try value.encode(to: Encoder(node: node)) }
    }

    struct Encoder: Swift.Encoder {
        let node: Node
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if node.object == nil { node.object = [:] }
            return KeyedEncodingContainer(Keyed<Key>(node: node))
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if node.array == nil { node.array = [] }
            return Unkeyed(node: node)
        }
        func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        var codingPath: [any CodingKey] = []

        private func child(_ key: Key) -> Node {
            let child = Node()
            node.object![key.stringValue] = child
            return child
        }
        mutating func encodeNil(forKey key: Key) throws { child(key).leaf = .null }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try TreeEncoding.encode(value, into: child(key)) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            Encoder(node: child(key)).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            Encoder(node: child(key)).unkeyedContainer()
        }
        mutating func superEncoder() -> any Swift.Encoder { Encoder(node: child(Key(stringValue: "super")!)) }
        mutating func superEncoder(forKey key: Key) -> any Swift.Encoder { Encoder(node: child(key)) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey] = []
        var count: Int { node.array?.count ?? 0 }

        private func next() -> Node {
            let child = Node()
            node.array!.append(child)
            return child
        }
        mutating func encodeNil() throws { next().leaf = .null }
        mutating func encode<T: Encodable>(_ value: T) throws { try TreeEncoding.encode(value, into: next()) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            Encoder(node: next()).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { Encoder(node: next()).unkeyedContainer() }
        mutating func superEncoder() -> any Swift.Encoder { Encoder(node: next()) }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey] = []
        mutating func encodeNil() throws { node.leaf = .null }
        mutating func encode<T: Encodable>(_ value: T) throws { try TreeEncoding.encode(value, into: node) }
    }
}

// MARK: Decoding

/// Decodes a `Decodable` from a `CodableTree`.
enum TreeDecoding {
    /// Top-level members known to be the same in every tree decoded with it (a saga's step
    /// definitions): each is decoded once and then reused.
    final class Memo {
        let keys: Set<String>
        var values: [String: Any] = [:]
        init(keys: Set<String>) { self.keys = keys }
    }

    static func decode<T: Decodable>(_ type: T.Type, from tree: CodableTree, memo: Memo? = nil) throws -> T {
        guard let memo else { return try decodeValue(type, tree) }
        return try T(from: Decoder(tree: tree, memo: memo))
    }

    /// Leaves are read directly (the type is compared, then reinterpreted: no dynamic cast);
    /// anything else goes through the type's own `init(from:)`.
    static func decodeValue<T: Decodable>(_ type: T.Type, _ tree: CodableTree) throws -> T {
        switch tree {
        case .string(let s) where T.self == String.self: return unsafeBitCast(s, to: T.self)
        case .bool(let b) where T.self == Bool.self: return unsafeBitCast(b, to: T.self)
        case .int(let i):
            if T.self == Int.self, let v = Int(exactly: i) { return unsafeBitCast(v, to: T.self) }
            if T.self == Int64.self { return unsafeBitCast(i, to: T.self) }
            if T.self == Int32.self, let v = Int32(exactly: i) { return unsafeBitCast(v, to: T.self) }
            if T.self == UInt64.self, let v = UInt64(exactly: i) { return unsafeBitCast(v, to: T.self) }
            if T.self == UInt32.self, let v = UInt32(exactly: i) { return unsafeBitCast(v, to: T.self) }
            if T.self == Double.self { return unsafeBitCast(Double(i), to: T.self) }
        case .double(let d):
            if T.self == Double.self { return unsafeBitCast(d, to: T.self) }
            if T.self == Float.self { return unsafeBitCast(Float(d), to: T.self) }
        default:
            break
        }
        return try T(from: Decoder(tree: tree))
    }

    struct Decoder: Swift.Decoder {
        let tree: CodableTree
        var memo: Memo? = nil
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard case .object(let object) = tree else { throw CodableTreeError(description: "expected an object, found \(tree)") }
            return KeyedDecodingContainer(Keyed<Key>(object: object, memo: memo))
        }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard case .array(let array) = tree else { throw CodableTreeError(description: "expected an array, found \(tree)") }
            return Unkeyed(array: array)
        }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(tree: tree) }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let object: [String: CodableTree]
        var memo: Memo? = nil
        var codingPath: [any CodingKey] = []
        var allKeys: [Key] { object.keys.sorted().compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }
        private func value(_ key: Key) throws -> CodableTree {
            guard let v = object[key.stringValue] else { throw CodableTreeError(description: "no value for key '\(key.stringValue)'") }
            return v
        }
        func decodeNil(forKey key: Key) throws -> Bool { (object[key.stringValue] ?? .null) == .null }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            guard let memo, memo.keys.contains(key.stringValue) else { return try decodeValue(type, value(key)) }
            if let known = memo.values[key.stringValue] as? T { return known }
            let decoded = try decodeValue(type, value(key))
            memo.values[key.stringValue] = decoded
            return decoded
        }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try Decoder(tree: value(key)).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try Decoder(tree: value(key)).unkeyedContainer() }
        func superDecoder() throws -> any Swift.Decoder { Decoder(tree: object["super"] ?? .null) }
        func superDecoder(forKey key: Key) throws -> any Swift.Decoder { try Decoder(tree: value(key)) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let array: [CodableTree]
        var codingPath: [any CodingKey] = []
        var currentIndex = 0
        var count: Int? { array.count }
        var isAtEnd: Bool { currentIndex >= array.count }

        private mutating func next() throws -> CodableTree {
            guard currentIndex < array.count else { throw CodableTreeError(description: "unkeyed container is at its end") }
            defer { currentIndex += 1 }
            return array[currentIndex]
        }
        mutating func decodeNil() throws -> Bool {
            guard currentIndex < array.count, array[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type, next()) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try Decoder(tree: next()).container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try Decoder(tree: next()).unkeyedContainer() }
        mutating func superDecoder() throws -> any Swift.Decoder { Decoder(tree: try next()) }
    }

    struct Single: SingleValueDecodingContainer {
        let tree: CodableTree
        var codingPath: [any CodingKey] = []
        func decodeNil() -> Bool { tree == .null }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            if case .null = tree { throw CodableTreeError(description: "expected \(T.self), found null") }
            return try decodeValue(type, tree)
        }
    }
}
