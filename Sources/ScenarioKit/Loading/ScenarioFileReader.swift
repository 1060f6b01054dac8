import Foundation

/// Reads scenario, base and trace files from the file system: the one place in ScenarioKit that
/// touches it. It refuses directories, devices and pipes, and files over the size limit before
/// reading them (the size is read from the file's attributes, and at most `limit + 1` bytes are
/// read in case the file grows meanwhile).
public struct ScenarioFileReader: ScenarioSourceProvider, Sendable {
    public init() {}

    public func contents(of path: String, limit: Int) -> Result<[UInt8], SourceReadFailure> {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { return .failure(.notFound) }
        if isDirectory.boolValue { return .failure(.isDirectory) }
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try manager.attributesOfItem(atPath: path)
        } catch {
            return .failure(.unreadable("its attributes cannot be read"))
        }
        if let type = attributes[.type] as? FileAttributeType, type != .typeRegular {
            return .failure(.notRegularFile)
        }
        if let size = (attributes[.size] as? NSNumber)?.intValue, size > limit {
            return .failure(.tooLarge(bytes: size, limit: limit))
        }
        guard manager.isReadableFile(atPath: path), let handle = FileHandle(forReadingAtPath: path) else {
            return .failure(.unreadable("permission denied"))
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            return .failure(.unreadable("\(error.localizedDescription)"))
        }
        if data.count > limit { return .failure(.tooLarge(bytes: data.count, limit: limit)) }
        return .success([UInt8](data))
    }
}
