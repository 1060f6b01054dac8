import Foundation
import RealMode
import XCTest

/// The GPU backend must say in one clear line why there is no GPU, and find the devices when
/// there are (the latter runs on a machine with an NVIDIA driver; CI has none).
final class GPUInventoryTests: XCTestCase {
    func testDiscoveryEitherFindsDevicesOrSaysWhyNotInOneLine() {
        switch GPUInventory.discover() {
        case .success(let inventory):
            XCTAssertFalse(inventory.devices.isEmpty)
            for d in inventory.devices {
                XCTAssertFalse(d.name.isEmpty)
                XCTAssertGreaterThan(d.memoryBytes, 0)
                // Hopper data-centre parts decode but cannot encode.
                if d.name.contains("H100") || d.name.contains("H200") { XCTAssertFalse(d.hasEncoder, d.description) }
            }
            XCTAssertFalse(inventory.summary.isEmpty)
        case .failure(let why):
            let line = why.description
            XCTAssertFalse(line.contains("\n"))
            XCTAssertTrue(line.hasPrefix("no NVIDIA GPU: "), line)
            XCTAssertTrue(line.hasSuffix("every job takes the CPU fallback"), line)
        }
    }

    func testAMissingLibraryIsReportedByName() {
        // No machine has this library: the real dlopen path reports it precisely.
        XCTAssertEqual(GPUDiscoveryError.driverNotFound("libnvidia-ml.so.1").description,
                       "no NVIDIA GPU: libnvidia-ml.so.1 could not be loaded (no driver); every job takes the CPU fallback")
    }

    /// Run only where a GPU is expected (the device check script sets LOOMSIM_EXPECT_GPU=1).
    func testAnExpectedGPUIsFound() throws {
        guard ProcessInfo.processInfo.environment["LOOMSIM_EXPECT_GPU"] == "1" else {
            throw XCTSkip("set LOOMSIM_EXPECT_GPU=1 on a machine with an NVIDIA GPU")
        }
        let inventory = try GPUInventory.discover().get()
        XCTAssertGreaterThan(inventory.devices.count, 0)
        print(inventory.summary.joined(separator: "\n"))
    }
}
