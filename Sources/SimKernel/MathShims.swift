#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The C math library under names that do not clash with GSL's or Foundation's overloads.
@usableFromInline func Foundation_log(_ x: Double) -> Double { log(x) }
@usableFromInline func Foundation_log1p(_ x: Double) -> Double { log1p(x) }
@usableFromInline func Foundation_exp(_ x: Double) -> Double { exp(x) }
@usableFromInline func Foundation_tgamma(_ x: Double) -> Double { tgamma(x) }
