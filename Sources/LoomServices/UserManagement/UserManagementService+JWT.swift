/// The answer to one token validation.
public struct JWTValidation: Sendable, Equatable {
    /// Where the answer came from.
    public enum Path: String, Sendable {
        case localCache = "local-cache"
        case redis
        /// Signature verified and the user looked up in PostgreSQL.
        case full
    }

    public var userID: UInt64
    public var path: Path?
    /// Why the token could not be validated (nil: valid).
    public var failure: String?
    /// From the request to the answer.
    public var latency: TimeAmount
    public var isValid: Bool { failure == nil }
}

/// JWT validation with distributed caching (seed §10.1): the pod's in-process cache, then Redis
/// (cache-aside: a miss is filled after the full validation), then the full validation —
/// RS256 signature verification on the pod's CPU and the user lookup in PostgreSQL. A Redis that
/// is down or failing over is skipped (the validation falls through to PostgreSQL), so the cache
/// changes latency and database load, never correctness.
extension UserManagementService {
    /// Validates `userID`'s current token and calls `completion` with the answer (at once for a
    /// local-cache hit, after the Redis or PostgreSQL round trips otherwise).
    public func validateToken(userID: UInt64, completion: ((JWTValidation) -> Void)? = nil) {
        precondition(started, "UserManagementService.start() must be called before requests arrive")
        let start = context.now
        statistics.validations += 1
        validationsSinceRead += 1
        context.ledger.admit(Self.serviceName, count: 1)
        guard let pod = nextPod() else {
            finishValidation(userID, path: nil, failure: "no-pods", latency: .zero, completion)
            return
        }
        let mode = configuration.cacheMode
        let token = tokenKey(userID, at: start)
        var inProcess = 0.0
        if mode.usesLocal {
            inProcess = configuration.localLookupSeconds
            if pod.cache.lookup(token.key, now: start) {
                statistics.localHits += 1
                hitsSinceRead += 1
                context.metrics.add(localHits)
                finishValidation(userID, path: .localCache, failure: nil, latency: .saturatingSeconds(inProcess), completion)
                return
            }
        }
        guard mode.usesRedis else {
            fullValidation(userID, token: token, on: pod, start: start, inProcess: inProcess, completion)
            return
        }
        redis.execute(entity: userID) { [unowned self] reply in
            let now = self.context.now
            if reply.isOK, let expiry = self.redisTokens[token.key] {
                if expiry > now {
                    self.statistics.redisHits += 1
                    self.hitsSinceRead += 1
                    self.context.metrics.add(self.redisHits)
                    if mode.usesLocal { pod.cache.insert(token.key, expiresAt: min(now + self.configuration.localCacheTTL, expiry)) }
                    self.finishValidation(userID, path: .redis, failure: nil, latency: now - start + .saturatingSeconds(inProcess), completion)
                    return
                }
                self.redisTokens[token.key] = nil  // expired: Redis drops it on access
            }
            self.fullValidation(userID, token: token, on: pod, start: start, inProcess: inProcess, completion)
        }
    }

    /// Validates the token of a user drawn from the popularity law (a workload on its own).
    public func validateTokenOfRandomUser(completion: ((JWTValidation) -> Void)? = nil) {
        validateToken(userID: sampleUserID(), completion: completion)
    }

    private func fullValidation(_ userID: UInt64, token: (key: UInt64, expiresAt: Instant), on pod: UserManagementPod,
                                start: Instant, inProcess: Double, _ completion: ((JWTValidation) -> Void)?) {
        let verify = configuration.signatureVerificationSeconds
        pod.pod.busySeconds += verify
        let mode = configuration.cacheMode
        postgres.read(entity: userID, client: pod.pod.id, queries: configuration.userLookupQueries) { [unowned self] result in
            let now = self.context.now
            let latency = now - start + .saturatingSeconds(inProcess + verify)
            guard result.isSuccess else {
                self.finishValidation(userID, path: nil, failure: "user-lookup-\(result.failure!.rawValue)", latency: latency, completion)
                return
            }
            self.statistics.fullValidations += 1
            self.context.metrics.add(self.fullValidations)
            if mode.usesRedis, self.redis.send().isOK {
                self.redisTokens[token.key] = min(now + self.configuration.redisCacheTTL, token.expiresAt)
            }
            if mode.usesLocal { pod.cache.insert(token.key, expiresAt: min(now + self.configuration.localCacheTTL, token.expiresAt)) }
            self.finishValidation(userID, path: .full, failure: nil, latency: latency, completion)
        }
    }

    private func finishValidation(_ userID: UInt64, path: JWTValidation.Path?, failure: String?, latency: TimeAmount,
                                  _ completion: ((JWTValidation) -> Void)?) {
        if let failure {
            statistics.validationFailures += 1
            countFailure("jwt-\(failure)")
            context.ledger.finish(Self.serviceName, count: 1, .failed(reason: "jwt-\(failure)"), at: context.now)
        } else {
            context.metrics.record(validationLatency, latency)
            context.ledger.finish(Self.serviceName, count: 1, .completed, at: context.now)
        }
        completion?(JWTValidation(userID: userID, path: path, failure: failure, latency: latency))
    }

    /// The cache key of `user`'s token at `time` and when that token expires. Each user's token
    /// is replaced every `tokenLifetime`, at an offset drawn from the user id, so refreshes are
    /// spread over time and every refresh is a cache miss.
    func tokenKey(_ user: UInt64, at time: Instant) -> (key: UInt64, expiresAt: Instant) {
        let lifetime = configuration.tokenLifetime.nanoseconds
        let offset = Int64(StableHash.mix(user) % UInt64(lifetime))
        let generation = (time.nanoseconds + offset) / lifetime
        return ((user << 20) ^ UInt64(generation & 0xF_FFFF), Instant(nanoseconds: (generation + 1) * lifetime - offset))
    }

    /// Drops `user`'s current token from Redis (a `DEL` after a permission change or a restore);
    /// returns false when the `DEL` failed and the stale entry stays until its TTL. In-process
    /// caches elsewhere keep it until theirs: `localCacheTTL` bounds that staleness.
    @discardableResult
    func invalidateTokens(of user: UInt64) -> Bool {
        let key = tokenKey(user, at: context.now).key
        guard redisTokens[key] != nil else { return true }
        guard redis.send().isOK else { return false }
        redisTokens[key] = nil
        return true
    }
}
