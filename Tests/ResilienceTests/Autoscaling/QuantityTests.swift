import Resilience
import XCTest

/// `Quantity` against `k8s.io/apimachinery/pkg/api/resource` parsing and `MilliValue()`.
final class QuantityTests: XCTestCase {
    private func milli(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Int64? {
        do { return try Quantity(text).milliValue } catch {
            XCTFail("\(text): \(error)", file: file, line: line)
            return nil
        }
    }

    func testDecimalSuffixesAndPlainNumbers() {
        XCTAssertEqual(milli("500m"), 500)
        XCTAssertEqual(milli("100"), 100_000)
        XCTAssertEqual(milli("1.5"), 1_500)
        XCTAssertEqual(milli("0.3"), 300)
        XCTAssertEqual(milli("15"), 15_000)
        XCTAssertEqual(milli("6666m"), 6_666)
        XCTAssertEqual(milli("14400m"), 14_400)
        XCTAssertEqual(milli("2k"), 2_000_000)
        XCTAssertEqual(milli("3M"), 3_000_000_000)
        XCTAssertEqual(milli("250u"), 1, "a quarter milli rounds up, away from zero")
        XCTAssertEqual(milli("1n"), 1)
        XCTAssertEqual(milli("0"), 0)
        XCTAssertEqual(milli("0.0"), 0)
        XCTAssertEqual(milli(".5"), 500)
        XCTAssertEqual(milli("5."), 5_000)
        XCTAssertEqual(milli("+7"), 7_000)
        XCTAssertEqual(milli("-0.0001"), -1, "rounding is away from zero for negatives too")
    }

    func testBinarySuffixesAreExact() {
        XCTAssertEqual(milli("2Gi"), 2 * 1_073_741_824 * 1_000)
        XCTAssertEqual(milli("1Ki"), 1_024_000)
        XCTAssertEqual(milli("512Mi"), 512 * 1_048_576 * 1_000)
        XCTAssertEqual(milli("1.5Gi"), 1_610_612_736_000)
        XCTAssertEqual(milli("0.001Ki"), 1_024)
        XCTAssertEqual(try Quantity("2Gi").value, 2_147_483_648)
    }

    func testDecimalExponents() {
        XCTAssertEqual(milli("1e3"), 1_000_000)
        XCTAssertEqual(milli("1E3"), 1_000_000, "E followed by digits is an exponent, E alone is exa")
        XCTAssertEqual(milli("1E"), .max, "10^18 units is beyond Int64 milli-units: saturates")
        XCTAssertEqual(try Quantity("1E").value, 1_000_000_000_000_000_000)
        XCTAssertEqual(milli("15e-3"), 15)
        XCTAssertEqual(milli("1.2e+2"), 120_000)
    }

    func testExtremesSaturateOrCap() {
        XCTAssertEqual(milli("9223372036854775807m"), .max)
        XCTAssertEqual(milli("10E"), .max)
        XCTAssertEqual(try Quantity("99999999999999999999999").value, .max, "capped at 2^63-1 units")
        XCTAssertEqual(milli("1e-40"), 1, "a positive quantity never rounds to zero")
        XCTAssertEqual(milli("1e2147483647"), .max)
        XCTAssertEqual(milli("1e-2147483648"), 1)
        XCTAssertEqual(milli("1" + String(repeating: "0", count: 5_000) + "Ki"), .max)
        XCTAssertEqual(milli("-" + String(repeating: "9", count: 40)), .min)
        XCTAssertEqual(try Quantity("1e2147483647").approximateValue, .infinity)
    }

    func testMalformedQuantitiesThrowUpstreamErrors() {
        XCTAssertThrowsError(try Quantity("")) { XCTAssertEqual($0 as? QuantityError, .formatWrong) }
        XCTAssertThrowsError(try Quantity("abc")) { XCTAssertEqual($0 as? QuantityError, .formatWrong) }
        XCTAssertThrowsError(try Quantity("5Kb")) { XCTAssertEqual($0 as? QuantityError, .formatWrong) }
        XCTAssertThrowsError(try Quantity("1.5.5")) { XCTAssertEqual($0 as? QuantityError, .formatWrong) }
        XCTAssertThrowsError(try Quantity("5K")) { XCTAssertEqual($0 as? QuantityError, .suffix) }
        XCTAssertThrowsError(try Quantity("5e")) { XCTAssertEqual($0 as? QuantityError, .suffix) }
        XCTAssertThrowsError(try Quantity("5Mib")) { XCTAssertEqual($0 as? QuantityError, .formatWrong) }
        XCTAssertTrue(QuantityError.suffix.description.contains("suffix"))
    }

    func testApproximateValueAndEquality() throws {
        XCTAssertEqual(try Quantity("0.05").approximateValue, 0.05)
        XCTAssertEqual(try Quantity("2.0").approximateValue, 2.0)
        XCTAssertEqual(try Quantity("0.34").approximateValue, 0.34)
        XCTAssertEqual(try Quantity("1Ki").approximateValue, 1024)
        XCTAssertEqual(try Quantity("1.5Ki").approximateValue, 1536)
        XCTAssertEqual(try Quantity("1500m"), try Quantity("1.5"))
        XCTAssertEqual(try Quantity("1k"), try Quantity("1000"))
        XCTAssertNotEqual(try Quantity("1Ki"), try Quantity("1k"))
        XCTAssertEqual(Quantity(milliValue: 1_500).description, "1500m")
        XCTAssertEqual(Quantity(milliValue: 2_000).description, "2")
        XCTAssertEqual(Quantity(milliValue: 2_000).milliValue, 2_000)
        XCTAssertEqual(try Quantity("-3").sign, -1)
        XCTAssertEqual(try Quantity("0m").sign, 0)
    }
}
