/// Deleting objects (S3 `DeleteObject`), which the recording saga's compensation needs to undo
/// a stored recording (seed §6.2 "delete-recording").
///
/// A delete moves no bytes: it holds a connection for the first-byte latency only, on the same
/// `QueueingResource` as reads and writes, so the store's faults (`datastoreOutage`,
/// `dependencyErrors`, `dependencyLatency` on its name) fail or slow deletes as well. S3 does not
/// bill DELETE requests, so nothing is added to the costs.
extension ObjectStore {
    /// Deletes the object of `entity`; `completion` gets the resource's outcome.
    public func delete(entity: UInt64, completion: @escaping (QueueingResource.Outcome) -> Void) {
        resource.submit(entity: entity, completion: completion)
    }
}
