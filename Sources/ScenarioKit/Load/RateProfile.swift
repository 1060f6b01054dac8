import Foundation

/// A time-varying arrival rate λ(t) for a non-homogeneous Poisson process: one base shape,
/// multiplied by any spikes active at t.
///
/// Shapes (times are offsets from the start of the run):
/// - `constant`: λ(t) = rate.
/// - `diurnal`: a sinusoid between `base` (the trough) and `peak`, peaking at `peakAt` and every
///   `period` after and before it: λ(t) = base + (peak − base) · (1 + cos(2π (t − peakAt) / period)) / 2.
/// - `ramp`: `from` until `start`, linear to `to` at `end`, `to` after.
/// - `steps`: piecewise constant, each step's rate from its `at` until the next step; 0 before the first.
/// Spikes multiply: λ(t) = shape(t) · Π multiplier of every spike with at ≤ t < at + duration, so
/// overlapping spikes compound and a multiplier below 1 is a dip.
public struct RateProfile: Sendable, Hashable {
    /// The base shape of a profile.
    public enum Shape: Sendable, Hashable {
        case constant(Rate)
        case diurnal(Diurnal)
        case ramp(Ramp)
        case steps([RateStep])
    }

    /// A daily (or other periodic) sinusoidal cycle.
    public struct Diurnal: Sendable, Hashable {
        public var base: Rate
        public var peak: Rate
        public var peakAt: TimeAmount
        public var period: TimeAmount

        public init(base: Rate, peak: Rate, peakAt: TimeAmount, period: TimeAmount = .hours(24)) {
            self.base = base
            self.peak = peak
            self.peakAt = peakAt
            self.period = period
        }
    }

    /// A linear change of rate between two instants.
    public struct Ramp: Sendable, Hashable {
        public var from: Rate
        public var to: Rate
        public var start: TimeAmount
        public var end: TimeAmount

        public init(from: Rate, to: Rate, start: TimeAmount, end: TimeAmount) {
            self.from = from
            self.to = to
            self.start = start
            self.end = end
        }
    }

    /// One step of a piecewise-constant profile.
    public struct RateStep: Sendable, Hashable {
        public var at: TimeAmount
        public var rate: Rate

        public init(at: TimeAmount, rate: Rate) {
            self.at = at
            self.rate = rate
        }
    }

    /// A window during which the rate is multiplied.
    public struct Spike: Sendable, Hashable {
        public var at: TimeAmount
        public var duration: TimeAmount
        public var multiplier: Double

        public init(at: TimeAmount, duration: TimeAmount, multiplier: Double) {
            self.at = at
            self.duration = duration
            self.multiplier = multiplier
        }
    }

    public var shape: Shape
    public var spikes: [Spike]

    public init(_ shape: Shape, spikes: [Spike] = []) {
        self.shape = shape
        self.spikes = spikes
    }

    /// λ(t) in events per second, `t` in seconds from the start of the run.
    public func rate(atSeconds t: Double) -> Double {
        shapeRate(t) * multiplier(t)
    }

    /// λ at `t`, in events per second.
    public func rate(at t: TimeAmount) -> Double { rate(atSeconds: t.seconds) }

    /// The expected number of arrivals in [0, horizon): the integral of λ, computed exactly.
    public func expectedArrivals(until horizon: TimeAmount) -> Double {
        segments(until: horizon).reduce(0) { total, s in total + integral(s.start, s.end) * multiplier((s.start + s.end) / 2) }
    }

    func shapeRate(_ t: Double) -> Double {
        switch shape {
        case .constant(let r): return r.perSecond
        case .diurnal(let d):
            let amplitude = d.peak.perSecond - d.base.perSecond
            return d.base.perSecond + amplitude * (1 + cos(2 * Double.pi * (t - d.peakAt.seconds) / d.period.seconds)) / 2
        case .ramp(let r):
            if t <= r.start.seconds { return r.from.perSecond }
            if t >= r.end.seconds { return r.to.perSecond }
            let f = (t - r.start.seconds) / (r.end.seconds - r.start.seconds)
            return r.from.perSecond + (r.to.perSecond - r.from.perSecond) * f
        case .steps(let steps):
            return steps.last { $0.at.seconds <= t }?.rate.perSecond ?? 0
        }
    }

    func multiplier(_ t: Double) -> Double {
        spikes.reduce(1) { m, s in t >= s.at.seconds && t < (s.at + s.duration).seconds ? m * s.multiplier : m }
    }

    /// ∫ shape over [a, b), for a segment inside which the shape is smooth.
    private func integral(_ a: Double, _ b: Double) -> Double {
        switch shape {
        case .constant, .steps: return shapeRate(a) * (b - a)
        case .ramp: return (shapeRate(a) + shapeRate(b)) / 2 * (b - a)
        case .diurnal(let d):
            let amplitude = d.peak.perSecond - d.base.perSecond
            let omega = 2 * Double.pi / d.period.seconds
            let p = d.peakAt.seconds
            return (d.base.perSecond + amplitude / 2) * (b - a) + amplitude / (2 * omega) * (sin(omega * (b - p)) - sin(omega * (a - p)))
        }
    }

    /// A stretch of time with an upper bound on λ, for thinning.
    struct Segment: Equatable {
        var start: Double
        var end: Double
        var bound: Double
    }

    /// [0, horizon) cut wherever λ has a kink or a jump (spike edges, steps, ramp ends) and, for a
    /// diurnal shape, every period/96 from the peak, so that in each segment the shape is monotonic
    /// or constant and the spike multiplier constant: the bound is then the larger end value times
    /// the multiplier, and thinning rejects few candidates.
    func segments(until horizon: TimeAmount) -> [Segment] {
        let end = horizon.seconds
        guard end > 0 else { return [] }
        var cuts: [Double] = [0, end]
        var diurnalCuts = false
        for s in spikes { cuts += [s.at.seconds, (s.at + s.duration).seconds] }
        switch shape {
        case .constant: break
        case .ramp(let r): cuts += [r.start.seconds, r.end.seconds]
        case .steps(let steps): cuts += steps.map(\.at.seconds)
        case .diurnal(let d):
            let step = d.period.seconds / 96
            // Beyond 20,000 cuts (a short period over a long run) the bound is the peak instead.
            if end / step <= 20_000 {
                diurnalCuts = true
                var t = d.peakAt.seconds.truncatingRemainder(dividingBy: step)
                while t < end {
                    cuts.append(t)
                    t += step
                }
            }
        }
        let points = Array(Set(cuts.filter { $0 >= 0 && $0 <= end })).sorted()
        var out: [Segment] = []
        for (a, b) in zip(points, points.dropFirst()) where b > a {
            let shapeBound: Double
            switch shape {
            case .constant, .steps: shapeBound = shapeRate(a)
            case .ramp: shapeBound = max(shapeRate(a), shapeRate(b))
            case .diurnal(let d): shapeBound = diurnalCuts ? max(shapeRate(a), shapeRate(b)) : d.peak.perSecond
            }
            // A hair above the exact bound, against rounding in the cut positions.
            out.append(Segment(start: a, end: b, bound: shapeBound * multiplier((a + b) / 2) * (1 + 1e-9)))
        }
        return out
    }
}
