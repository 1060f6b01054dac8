import XCTest
@testable import ScenarioKit

final class UnitsTests: XCTestCase {
    private func problem<T>(_ body: () throws -> T) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as UnitError {
            return error.problem
        } catch {
            return "\(error)"
        }
    }

    func testDurations() throws {
        XCTAssertEqual(try DurationSyntax.parse("250ms"), .milliseconds(250))
        XCTAssertEqual(try DurationSyntax.parse("90s"), .wholeSeconds(90))
        XCTAssertEqual(try DurationSyntax.parse("5m"), .minutes(5))
        XCTAssertEqual(try DurationSyntax.parse("1h"), .hours(1))
        XCTAssertEqual(try DurationSyntax.parse("1h30m"), .minutes(90))
        XCTAssertEqual(try DurationSyntax.parse("2d"), .hours(48))
        XCTAssertEqual(try DurationSyntax.parse("1.5h"), .minutes(90))
        XCTAssertEqual(try DurationSyntax.parse("1m0.5s"), .milliseconds(60_500))
        XCTAssertEqual(try DurationSyntax.parse("10us"), .microseconds(10))
        XCTAssertEqual(try DurationSyntax.parse("10µs"), .microseconds(10))
        XCTAssertEqual(try DurationSyntax.parse("7ns"), .nanoseconds(7))
        XCTAssertEqual(try DurationSyntax.parse("0"), .zero)
        XCTAssertEqual(try DurationSyntax.parse("1h 30m"), .minutes(90))
        XCTAssertEqual(try ByteCount.parse("1.5 GB").bytes, 1_500_000_000)
        XCTAssertEqual(try DurationSyntax.parse("-2s", allowingNegative: true), .wholeSeconds(-2))
    }

    func testDurationErrors() {
        XCTAssertEqual(problem { try DurationSyntax.parse("90") }, "\"90\" has no unit (write 90s for seconds)")
        XCTAssertEqual(problem { try DurationSyntax.parse("5 minutes") }, "\"5 minutes\" has an unknown unit \"minutes\" (use d, h, m, s, ms, us or ns)")
        XCTAssertEqual(problem { try DurationSyntax.parse("5min") }, "\"5min\" has an unknown unit \"min\" (use d, h, m, s, ms, us or ns)")
        XCTAssertEqual(problem { try DurationSyntax.parse("30m1h") }, "\"30m1h\" has its units out of order (write them from largest to smallest, each once)")
        XCTAssertEqual(problem { try DurationSyntax.parse("1h1h") }, "\"1h1h\" has its units out of order (write them from largest to smallest, each once)")
        XCTAssertEqual(problem { try DurationSyntax.parse("-5s") }, "\"-5s\" is negative")
        XCTAssertEqual(problem { try DurationSyntax.parse("ninety") }, "\"ninety\" is not a duration")
        XCTAssertEqual(problem { try DurationSyntax.parse("") }, "the duration is empty")
        XCTAssertEqual(problem { try DurationSyntax.parse("999999999999d") }, "\"999999999999d\" is too large")
    }

    func testDurationFormattingRoundTrips() throws {
        for (text, canonical) in [("90s", "1m30s"), ("1h30m", "1h30m"), ("250ms", "250ms"), ("1.5s", "1s500ms"),
                                  ("2d", "2d"), ("0s", "0s"), ("36h", "1d12h")] {
            let amount = try DurationSyntax.parse(text)
            XCTAssertEqual(DurationSyntax.format(amount), canonical)
            XCTAssertEqual(try DurationSyntax.parse(canonical), amount)
        }
        XCTAssertEqual(DurationSyntax.format(.wholeSeconds(-2)), "-2s")
    }

    func testSizes() throws {
        XCTAssertEqual(try ByteCount.parse("512Mi").bytes, 512 << 20)
        XCTAssertEqual(try ByteCount.parse("2Gi").bytes, 2 << 30)
        XCTAssertEqual(try ByteCount.parse("1G").bytes, 1_000_000_000)
        XCTAssertEqual(try ByteCount.parse("500M").bytes, 500_000_000)
        XCTAssertEqual(try ByteCount.parse("1.5GB").bytes, 1_500_000_000)
        XCTAssertEqual(try ByteCount.parse("100k").bytes, 100_000)
        XCTAssertEqual(try ByteCount.parse("64KiB").bytes, 65_536)
        XCTAssertEqual(try ByteCount.parse("1024").bytes, 1024)
        XCTAssertEqual(ByteCount(bytes: 2 << 30).description, "2Gi")
        XCTAssertEqual(ByteCount(bytes: 1_500_000_000).description, "1500M")
        XCTAssertEqual(ByteCount(bytes: 100).description, "100")
        XCTAssertEqual(problem { try ByteCount.parse("500m") }, "\"500m\" uses m (milli, 1/1000); write M for megabytes or Mi for mebibytes")
        XCTAssertEqual(problem { try ByteCount.parse("2Xi") }, "\"2Xi\" has an unknown unit \"Xi\" (use Ki, Mi, Gi, Ti, k, M, G, T, KB, MB or GB)")
        XCTAssertEqual(problem { try ByteCount.parse("1.5") }, "\"1.5\" is not a whole number of bytes")
        XCTAssertEqual(problem { try ByteCount.parse("-1Gi") }, "\"-1Gi\" is negative")
        XCTAssertEqual(problem { try ByteCount.parse("big") }, "\"big\" is not a size")
    }

    func testRates() throws {
        XCTAssertEqual(try Rate.parse("100/s").perSecond, 100)
        XCTAssertEqual(try Rate.parse("5/min").perSecond, 5.0 / 60, accuracy: 1e-12)
        XCTAssertEqual(try Rate.parse("3600/h").perSecond, 1)
        XCTAssertEqual(try Rate.parse("2 / day").perSecond, 2.0 / 86_400, accuracy: 1e-15)
        XCTAssertEqual(Rate(perSecond: 100).description, "100/s")
        XCTAssertEqual(Rate(perSecond: 5.0 / 60).description, "5/min")
        XCTAssertEqual(Rate(perSecond: 1.0 / 3600).description, "1/h")
        XCTAssertEqual(Rate(perSecond: 0.5).description, "30/min")
        XCTAssertEqual(problem { try Rate.parse("100") }, "\"100\" has no unit (write 100/s for per second)")
        XCTAssertEqual(problem { try Rate.parse("5/m") }, "\"5/m\" is ambiguous (write 5/min for per minute)")
        XCTAssertEqual(problem { try Rate.parse("5/week") }, "\"5/week\" has an unknown unit \"week\" (use /s, /min, /h or /d)")
        XCTAssertEqual(problem { try Rate.parse("-5/s") }, "\"-5/s\" is negative")
        XCTAssertEqual(problem { try Rate.parse("fast") }, "\"fast\" is not a rate")
    }

    func testFractions() throws {
        XCTAssertEqual(try Fraction.parse("50%").value, 0.5)
        XCTAssertEqual(try Fraction.parse("0.5").value, 0.5)
        XCTAssertEqual(try Fraction.parse("0.1%").value, 0.001, accuracy: 1e-15)
        XCTAssertEqual(try Fraction.parse("1").value, 1)
        XCTAssertEqual(Fraction(0.07).description, "7%")
        XCTAssertEqual(problem { try Fraction.parse("150%") }, "150% is more than 100%")
        XCTAssertEqual(problem { try Fraction.parse("5") }, "5 is more than 1 (write 5% for 5 percent)")
        XCTAssertEqual(problem { try Fraction.parse("-1%") }, "\"-1%\" is negative")
        XCTAssertEqual(problem { try Fraction.parse("half") }, "\"half\" is not a percentage or fraction")
    }

    func testMoney() throws {
        XCTAssertEqual(try Money.parse("$0.12").dollars, 0.12)
        XCTAssertEqual(try Money.parse("$500").dollars, 500)
        XCTAssertEqual(try Money.parse("$1,200.50").dollars, 1200.5)
        XCTAssertEqual(Money(dollars: 0.12).description, "$0.12")
        XCTAssertEqual(problem { try Money.parse("500") }, "\"500\" has no currency sign (write $500)")
        XCTAssertEqual(problem { try Money.parse("$1,20") }, "\"$1,20\" has misplaced thousands separators")
        XCTAssertEqual(problem { try Money.parse("-$5") }, "\"-$5\" is negative")
        XCTAssertEqual(problem { try Money.parse("$abc") }, "\"$abc\" is not an amount of money")
    }

    func testMeasuresChooseTheirUnitByShape() throws {
        XCTAssertEqual(try Measure.parse("30s"), Measure(30, .duration))
        XCTAssertEqual(try Measure.parse("5m"), Measure(300, .duration))
        XCTAssertEqual(try Measure.parse("5M"), Measure(5_000_000, .size))
        XCTAssertEqual(try Measure.parse("100k"), Measure(100_000, .size))
        XCTAssertEqual(try Measure.parse("2Gi"), Measure(2_147_483_648, .size))
        XCTAssertEqual(try Measure.parse("100/s"), Measure(100, .rate))
        XCTAssertEqual(try Measure.parse("5%"), Measure(0.05, .fraction))
        XCTAssertEqual(try Measure.parse("$500"), Measure(500, .money))
        XCTAssertEqual(try Measure.parse("42"), Measure(42, .number))
        XCTAssertEqual(Measure(0.25, .duration).description, "250ms")
        XCTAssertEqual(Measure(27.31234, .duration).approximateDescription, "27.31s")
        XCTAssertEqual(Measure(0.0004567, .duration).approximateDescription, "456.7us")
        XCTAssertEqual(Measure(5400.25, .duration).approximateDescription, "1h30m")
        XCTAssertEqual(Measure(93.941, .duration).approximateDescription, "1m34s", "whole seconds above a minute")
        XCTAssertEqual(problem { try Measure.parse("5 parsecs") }, "\"5 parsecs\" has an unknown unit \"parsecs\" (use d, h, m, s, ms, us or ns)")
    }

    func testNumbersAreStrict() {
        XCTAssertEqual(NumberSyntax.parse("12.5"), 12.5)
        XCTAssertEqual(NumberSyntax.parse("-3e2"), -300)
        for bad in ["", ".5", "5.", "0x10", "inf", "nan", "1_000", "1,5", "12a"] { XCTAssertNil(NumberSyntax.parse(bad), bad) }
        XCTAssertEqual(NumberSyntax.format(100), "100")
        XCTAssertEqual(NumberSyntax.format(0.1 + 0.2), "0.3")
    }
}
