/// Ready-made remediation handlers (seed §8.2 `execute_remediation_action`) acting on the
/// platform's models. Each returns false when it cannot act, so the plan's next candidate is tried.
public enum RemediationActions {
    /// `scale_up_instances` on a Deployment: replicas × `factor` (at least one more), capped at
    /// `maximum`; false once at the maximum. The seed does not say by how much; 1.5× is one HPA
    /// scale-up step short of Kubernetes' default doubling. A Deployment under an HPA is scaled
    /// back by the HPA's next reconcile unless its minimum is raised too (see `raiseMinimum`).
    public static func scaleUp(_ deployment: Deployment, factor: Double = 1.5, maximum: Int,
                               context: PlatformContext) -> RemediationHandler {
        { request in
            let current = deployment.replicas
            guard current < maximum else { return false }
            let target = min(maximum, max(current + 1, Int((Double(current) * factor).rounded(.up))))
            deployment.scale(to: target)
            context.metrics.note("remediation.scaled", subject: deployment.service,
                                 detail: "\(deployment.region): \(current) → \(target) replicas", at: request.at)
            return true
        }
    }

    /// `scale_up_instances` through an HPA's minimum: reads it with `current`, writes
    /// `current × factor` (at least one more, at most `maximum`) with `set`. The platform's
    /// `AutoscalerLoop` holds its HPA privately; until it exposes a way to change `minReplicas`,
    /// pass closures that do it (or scale the Deployment with `scaleUp`).
    public static func raiseMinimum(current: @escaping () -> Int, set: @escaping (Int) -> Void,
                                    factor: Double = 1.5, maximum: Int) -> RemediationHandler {
        { _ in
            let now = current()
            guard now < maximum else { return false }
            set(min(maximum, max(now + 1, Int((Double(now) * factor).rounded(.up)))))
            return true
        }
    }

    /// `enable_circuit_breaker`: forces the dependency's breakers open for `duration` (default
    /// the dependency's `forcedOpenDuration`); false while they are already forced open.
    public static func forceBreakerOpen(_ dependency: GuardedDependency, for duration: TimeAmount? = nil) -> RemediationHandler {
        { _ in
            guard dependency.aggregateState != .forcedOpen else { return false }
            dependency.forceOpen(for: duration)
            return true
        }
    }

    /// `fallback_to_backup_service`: routes the dependency's calls to its fallback endpoint;
    /// false when it has none or already uses it.
    public static func fallback(_ dependency: GuardedDependency) -> RemediationHandler {
        { _ in
            guard dependency.fallback != nil, !dependency.routesToFallback else { return false }
            return dependency.switchToFallback(true)
        }
    }
}
